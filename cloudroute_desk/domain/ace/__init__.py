"""The ACE opportunity record: the editor's form, every rule it must pass (the seed's and
Partner Central's), the Partner Central vocabulary and the ``CreateOpportunity`` export."""
