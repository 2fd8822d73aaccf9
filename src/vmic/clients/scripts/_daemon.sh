#vmic:include _posix-path.sh
#vmic:include _sudo.sh
#vmic:include _error.sh
# Through systemd when it has the unit loaded; else by hand ($vmic_verb: start or stop).
if [ -n "$Unit" ] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ] \
    && [ "$(systemctl show --property=LoadState --value -- "$Unit" 2>/dev/null)" = loaded ]; then
    echo '<<vmic:method>>'
    echo systemd
    vmic_run systemctl "$vmic_verb" -- "$Unit" || exit $?
    echo '<<vmic:end>>'
    exit 0
fi
if ! command -v "$Daemon" >/dev/null 2>&1; then vmic_error not-installed; fi
vmic_pids=$(pidof "$Daemon")
