# shellcheck shell=bash
# apt-sources.sh: what this host's apt sources name, for the scripts that
# take packages or source from the same Debian mirror (sourced, not run).
# The repository never names a mirror; these read the host's.  Each reads
# apt-get's output to the end: stopping early would kill apt-get with
# SIGPIPE, which pipefail counts as the pipeline's failure.

# apt_has_suite SUITE: whether the host's apt sources list SUITE.
apt_has_suite() {
	# shellcheck disable=SC2016 # $(RELEASE) is apt's field template, not a shell expansion
	apt-get indextargets --format '$(RELEASE)' | grep -x "$1" >/dev/null
}

# apt_mirror SUITES: the URI of the first source whose suite is one of
# SUITES (an awk alternation, e.g. "bookworm|trixie"); nothing if none is.
apt_mirror() {
	# shellcheck disable=SC2016 # $(RELEASE) is apt's field template, not a shell expansion
	apt-get indextargets --format '$(RELEASE) $(REPO_URI)' |
		awk -v re="^($1)\$" '$1 ~ re && !n++ { print $2 }'
}
