# vmic-script: linux-release
# runs-on: Linux guest
# parameters: none
# sections: os-release
# errors: none
# commands: cat
#
# The guest's /etc/os-release, which tells the distribution and its release. Reads only.
#vmic:include _posix-path.sh
echo '<<vmic:os-release>>'
cat /etc/os-release 2>/dev/null
echo '<<vmic:end>>'
