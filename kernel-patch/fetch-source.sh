#!/usr/bin/env bash
# fetch-source.sh [--refresh] SERIES: print the path of a pristine, unpacked
# Debian linux-source-SERIES tree, fetching it into the cache on first use.
#
# A series stays pinned to the version fetched first (the link
# linux-source-SERIES.current), so builds are reproducible and a cache hit
# needs no apt query; --refresh asks apt for the current candidate again.
#
# The package comes from the host's own apt sources (apt-get download, never
# installed).  When the host's suites do not carry it, a throwaway apt state
# pointing the host's Debian mirrors at trixie is used instead, so no mirror
# host is ever written down here.  The tree is read-only by convention:
# callers copy or patch elsewhere and build with O=.
#
# Output layout: $EXITSCOPE_CACHE/src/<package>_<version>/
#   tree/         the unpacked source
#   source.env    PACKAGE= VERSION= DEB_SHA256= (the source's identity)
set -euo pipefail

refresh=0
if [ "${1:-}" = --refresh ]; then
	refresh=1
	shift
fi
series=${1:-}
if [[ ! $series =~ ^[0-9]+\.[0-9]+$ ]]; then
	echo "usage: $0 [--refresh] SERIES   (e.g. 6.1 or 6.12)" >&2
	exit 2
fi
cache=${EXITSCOPE_CACHE:-$HOME/.cache/exitscope}
pkg=linux-source-$series
current=$cache/src/$pkg.current
apt_opts=()

if [ $refresh = 0 ] && [ -f "$current/source.env" ]; then
	echo "$current/tree"
	exit 0
fi

candidate() {
	apt-cache "${apt_opts[@]}" policy "$pkg" 2>/dev/null |
		awk '/Candidate:/ { if ($2 != "(none)") print $2 }'
}

# A private apt state whose sources are the host's Debian ones with the suite
# replaced by trixie.
use_trixie_sources() {
	local state=$1 f
	mkdir -p "$state/lists/partial" "$state/sources.list.d" "$state/cache/archives/partial"
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		sed -E -e '/debian-security/d' -e 's/\bbookworm(-updates|-backports)?\b/trixie/g' \
			"$f" >"$state/sources.list.d/$(basename "$f")"
	done
	apt_opts=(-o "Dir::State=$state" -o "Dir::Cache=$state/cache"
		-o "Dir::Etc::sourcelist=/dev/null"
		-o "Dir::Etc::sourceparts=$state/sources.list.d")
	apt-get "${apt_opts[@]}" update -qq >&2
}

mkdir -p "$cache/src"
work=$(mktemp -d "$cache/src/.fetch.XXXXXX")
chmod 755 "$work"	# apt downloads as _apt
trap 'rm -rf "$work"' EXIT

version=$(candidate)
if [ -z "$version" ]; then
	echo "fetch: $pkg not in the host's suites; trying trixie" >&2
	use_trixie_sources "$work/apt"
	version=$(candidate)
fi
if [ -z "$version" ]; then
	echo "fetch: no apt source offers $pkg; check 'apt-cache policy $pkg' and run apt-get update" >&2
	exit 3
fi

dest=$cache/src/${pkg}_${version}
if [ -f "$dest/source.env" ]; then
	ln -sfn "$(basename "$dest")" "$current"
	echo "$dest/tree"
	exit 0
fi

start=$SECONDS
echo "fetch: downloading $pkg $version" >&2
(cd "$work" && apt-get "${apt_opts[@]}" download -qq "$pkg=$version" >&2)
deb=$(echo "$work"/*.deb)
dpkg -x "$deb" "$work/deb"
echo "fetch: unpacking $(basename "$deb")" >&2
tar -xaf "$work"/deb/usr/src/linux-source-*.tar.* -C "$work"
mv "$work"/linux-source-"$series" "$work/tree"
{
	echo "PACKAGE=$pkg"
	echo "VERSION=$version"
	echo "DEB_SHA256=$(sha256sum "$deb" | cut -d' ' -f1)"
} >"$work/source.env"
rm -rf "$work/deb" "$deb" "$work/apt"

# Publish atomically: a tree is either complete or absent.
mv "$work" "$dest"
trap - EXIT
ln -sfn "$(basename "$dest")" "$current"
echo "fetch: $pkg $version ready in $((SECONDS - start)) s" >&2
echo "$dest/tree"
