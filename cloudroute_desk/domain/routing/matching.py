"""The batch suggestion's matching: inquiries to partners with capacities, largest total score.

A maximum-weight b-matching solved by successive shortest augmenting paths on the partners
(the Hungarian method with every partner's free slots merged into one node). Inquiries are
added one at a time; after each one the assignment of the inquiries seen so far is optimal,
because the new inquiry takes the cheapest chain of moves it can start: it takes a slot of
partner p0, whose member j1 moves to p1, whose member j2 moves to p2, ... until a partner
with a free slot is reached, or the last member displaced is left unassigned. Each move
costs what its inquiry loses (its score where it was minus its score where it goes), so the
chain's cost is minus the chain's gain in total score; a chain is taken only when it gains.

Why not scipy: ``scipy.sparse.csgraph.min_weight_full_bipartite_matching`` did this before,
but scipy was the app's only use of it and brought ~40 MB (its own OpenBLAS build among
them) into the one-folder bundle; see the README's design notes.

Cost: the chain search is a Bellman-Ford over the partners (negative moves are normal: a
member may score more elsewhere), on a partners x partners table of the cheapest move
between every two partners that is kept up to date as members come and go. While the new
inquiry's best partner still has a free slot the chain is that one step and no search runs
(every chain that starts elsewhere costs at least as much: a chain from a full partner to
a free slot or a drop never gains, or the assignment so far would not have been optimal).
Once the partners are full, most new inquiries cannot gain at all; a floor under every
partner's price (the cheapest chain that makes room there) turns those away without a
search, and prunes the searches that do run.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from cloudroute_desk.domain.routing.batch import Candidates

_NO_ONE = -1


class _Matching:
    """The growing optimal assignment: who sits where, and the cheapest move between any two
    partners (``move_cost[p, q]``, made by inquiry ``mover[p, q]``)."""

    def __init__(self, candidates: Sequence[Candidates], capacity: NDArray[np.int64]) -> None:
        self.partners = [np.asarray(c.partners, dtype=np.int64) for c in candidates]
        self.scores = [np.asarray(c.scores, dtype=np.float64) for c in candidates]
        self.score_at = [
            dict(zip(p.tolist(), s.tolist(), strict=True))
            for p, s in zip(self.partners, self.scores, strict=True)
        ]
        n_partners = len(capacity)
        self.free = np.maximum(np.asarray(capacity, dtype=np.int64), 0).copy()
        self.usable = self.free > 0
        self.members: list[set[int]] = [set() for _ in range(n_partners)]
        self.seat = np.full(len(candidates), _NO_ONE, dtype=np.int64)
        self.move_cost = np.full((n_partners, n_partners), np.inf)
        self.mover = np.full((n_partners, n_partners), _NO_ONE, dtype=np.int64)
        self.exit_cost = np.zeros(n_partners)
        """What making room at p costs: 0 with a free slot, else dropping its cheapest member."""
        self.exit_member = np.full(n_partners, _NO_ONE, dtype=np.int64)
        scale = max((float(np.abs(s).max()) for s in self.scores if len(s)), default=1.0)
        self.tolerance = max(scale, 1.0) * 1e-12
        """Improvements smaller than rounding are none (keeps Bellman-Ford finite)."""
        self.price_floor = np.zeros(n_partners)
        """A lower bound on every partner's price (the cheapest chain that makes room there).
        Prices never fall as inquiries are added (inquiries and partners' slots are
        complements in an assignment problem, Shapley 1962), so prices computed once stay
        a valid floor; they are recomputed when a search found nothing (see ``add``)."""
        self.floor_stale = False

    def add(self, inquiry: int) -> None:
        partners, scores = self.partners[inquiry], self.scores[inquiry]
        usable = self.usable[partners]
        partners, scores = partners[usable], scores[usable]
        if len(partners) == 0:
            return
        best = int(np.argmax(scores))
        if self.free[partners[best]] > 0:
            if scores[best] >= 0:
                self._place(inquiry, int(partners[best]))
            return
        # Every chain starting at p costs at least -score + price(p): none gains, none taken.
        if np.max(scores - self.price_floor[partners]) < 0:
            return
        if not self._augment(inquiry, partners, scores) and self.floor_stale:
            # A search for nothing: raise the floor to the current prices, so the many
            # inquiries of a full batch that cannot gain are turned away by the line above.
            self._update_price_floor()

    def _update_price_floor(self) -> None:
        """Every partner's current price, by Bellman-Ford backwards from making room."""
        prices = self.exit_cost.copy()
        for _ in range(len(prices) + 1):
            through = np.min(self.move_cost + prices[None, :], axis=1)
            better = through < prices - self.tolerance
            if not better.any():
                break
            prices[better] = through[better]
        self.price_floor = np.maximum(prices - self.tolerance, self.price_floor)
        self.floor_stale = False

    def _augment(
        self, inquiry: int, partners: NDArray[np.int64], scores: NDArray[np.float64]
    ) -> bool:
        """Take the cheapest chain for ``inquiry`` if it gains; whether one was taken."""
        n_partners = len(self.free)
        arrival = np.full(n_partners, np.inf)
        """Cheapest cost of bringing one more inquiry into each partner."""
        came_from = np.full(n_partners, _NO_ONE, dtype=np.int64)
        np.minimum.at(arrival, partners, -scores)
        best_total = min(0.0, float(np.min(arrival + self.exit_cost)))
        frontier = np.unique(partners)
        for _ in range(n_partners + 1):
            # A chain on from p costs at least p's price, so a partner reached at no less
            # than the best total so far, less that price, leads nowhere better.
            reach = arrival[frontier] + self.price_floor[frontier]
            frontier = frontier[reach < best_total - self.tolerance]
            if len(frontier) == 0:
                break
            through = arrival[frontier, None] + self.move_cost[frontier]
            best_row = np.argmin(through, axis=0)
            best = through[best_row, np.arange(n_partners)]
            better = best < arrival - self.tolerance
            arrival[better] = best[better]
            came_from[better] = frontier[best_row[better]]
            frontier = np.flatnonzero(better)
            if len(frontier):
                best_total = min(best_total, float(np.min(arrival + self.exit_cost)))
        total = arrival + self.exit_cost
        end = int(np.argmin(total))
        if not total[end] <= 0:
            return False
        return self._apply(inquiry, end, came_from)

    def _apply(self, inquiry: int, end: int, came_from: NDArray[np.int64]) -> bool:
        moves: list[tuple[int, int, int]] = []
        """(member, from partner, to partner), from the end of the chain back to its start."""
        to, seen = end, {end}
        while came_from[to] != _NO_ONE:
            origin = int(came_from[to])
            moves.append((int(self.mover[origin, to]), origin, to))
            to = origin
            if to in seen:  # rounding made a cycle; skip this inquiry rather than corrupt
                return False
            seen.add(to)
        touched = {end}
        if self.free[end] == 0:
            self._leave(int(self.exit_member[end]), end)
        for member, origin, destination in moves:
            self._leave(member, origin)
            self._sit(member, destination)
            touched.update((origin, destination))
        self._sit(inquiry, to)
        touched.add(to)
        for partner in touched:
            self._refresh(partner)
        self.floor_stale = True
        return True

    def _place(self, inquiry: int, partner: int) -> None:
        self._sit(inquiry, partner)
        self._refresh(partner)
        self.floor_stale = True

    def _sit(self, inquiry: int, partner: int) -> None:
        self.members[partner].add(inquiry)
        self.seat[inquiry] = partner
        self.free[partner] -= 1

    def _leave(self, inquiry: int, partner: int) -> None:
        self.members[partner].discard(inquiry)
        self.seat[inquiry] = _NO_ONE
        self.free[partner] += 1

    def _refresh(self, partner: int) -> None:
        """Recompute the partner's row of cheapest moves out and its cost of making room."""
        costs = np.full(len(self.free), np.inf)
        movers = np.full(len(self.free), _NO_ONE, dtype=np.int64)
        cheapest_exit, exit_member = np.inf, _NO_ONE
        for member in sorted(self.members[partner]):
            here = self.score_at[member][partner]
            if here < cheapest_exit:
                cheapest_exit, exit_member = here, member
            elsewhere = self.partners[member]
            move = here - self.scores[member]
            cheaper = (move < costs[elsewhere]) & self.usable[elsewhere] & (elsewhere != partner)
            costs[elsewhere[cheaper]] = move[cheaper]
            movers[elsewhere[cheaper]] = member
        self.move_cost[partner] = costs
        self.mover[partner] = movers
        if self.free[partner] > 0:
            self.exit_cost[partner], self.exit_member[partner] = 0.0, _NO_ONE
        else:
            self.exit_cost[partner], self.exit_member[partner] = cheapest_exit, exit_member


def optimal_assignment(
    candidates: Sequence[Candidates], capacity_left: NDArray[np.int64]
) -> list[tuple[int, int]]:
    """Pairs (inquiry index, partner index) maximising the total score within capacities.

    Exact (see the module's docstring); an inquiry stays unassigned when no placement adds
    to the total. Among equally good assignments the one returned is fixed by the input
    order (inquiries are placed first to last), so the same input gives the same answer.
    """
    matching = _Matching(candidates, capacity_left)
    for inquiry in range(len(candidates)):
        matching.add(inquiry)
    return [(i, int(p)) for i, p in enumerate(matching.seat) if p != _NO_ONE]
