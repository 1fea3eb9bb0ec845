#!/usr/bin/env bash
# Install the one-folder bundle for the current user, so the desktop lists it:
#   packaging/install-linux.sh [dist/cloudroute-desk]
# Copies the bundle to ~/.local/opt/cloudroute-desk, links ~/.local/bin/cloudroute-desk, and
# installs the .desktop entry, the AppStream metainfo and the hicolor icons under ~/.local/share.
# Remove with: packaging/install-linux.sh --uninstall
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
prefix="${XDG_DATA_HOME:-$HOME/.local/share}"
opt="$HOME/.local/opt/cloudroute-desk"
bin="$HOME/.local/bin/cloudroute-desk"
app_id="com.cloudroute.desk"

if [[ "${1:-}" == "--uninstall" ]]; then
    rm -rf "$opt" "$bin" "$prefix/applications/$app_id.desktop" "$prefix/metainfo/$app_id.metainfo.xml"
    find "$prefix/icons/hicolor" -name 'cloudroute-desk.*' -delete 2>/dev/null || true
    echo "CloudRoute Desk removed."
    exit 0
fi

bundle="${1:-$here/../dist/cloudroute-desk}"
if [[ ! -x "$bundle/cloudroute-desk" ]]; then
    echo "No bundle at $bundle: build it first with: pyinstaller packaging/cloudroute-desk.spec" >&2
    exit 2
fi
rm -rf "$opt"
mkdir -p "$(dirname "$opt")" "$(dirname "$bin")" "$prefix/applications" "$prefix/metainfo" \
    "$prefix/icons"
cp -a "$bundle" "$opt"
ln -sf "$opt/cloudroute-desk" "$bin"
# The entry names the executable by absolute path: ~/.local/bin is not on every desktop's PATH.
sed -e "s|^Exec=.*|Exec=$opt/cloudroute-desk|" -e "s|^TryExec=.*|TryExec=$opt/cloudroute-desk|" \
    "$here/$app_id.desktop" > "$prefix/applications/$app_id.desktop"
cp "$here/$app_id.metainfo.xml" "$prefix/metainfo/"
cp -r "$here/icons/hicolor" "$prefix/icons/"
command -v update-desktop-database >/dev/null && update-desktop-database "$prefix/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$prefix/icons/hicolor" || true
echo "CloudRoute Desk installed: $bin, and in your desktop's application menu."
