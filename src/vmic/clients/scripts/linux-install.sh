# vmic-script: linux-install
# runs-on: Linux guest
# parameters: Install, Sudo
# sections: installed
# errors: none
# commands: sudo
#
# Installs packages: $Install holds the package manager's command words and the package names
# (as data, expanded as words, never as code). The package manager's own output goes to
# standard error. As root through sudo -n when $Sudo is true.
#vmic:include _posix-path.sh
#vmic:include _sudo.sh
eval "set -- $Install"
vmic_run "$@" 1>&2 || exit $?
echo '<<vmic:installed>>'
echo '<<vmic:end>>'
