# vmic-script: linux-stop
# runs-on: Linux guest
# parameters: Daemon, Unit, Sudo
# sections: method
# errors: not-installed
# commands: systemctl, pidof, kill, sudo
#
# Stops the integration services daemon $Daemon: systemctl stop $Unit when systemd has the
# unit loaded, else SIGTERM to its processes (kill -15 `pidof ...`, as Microsoft's article
# does), as root through sudo -n when $Sudo is true. Section "method" is "systemd" or
# "signal".
vmic_verb=stop
#vmic:include _daemon.sh
echo '<<vmic:method>>'
echo signal
if [ -n "$vmic_pids" ]; then vmic_run kill -TERM $vmic_pids || exit $?; fi
echo '<<vmic:end>>'
