# vmic-script: linux-kvp-pools
# runs-on: Linux guest
# parameters: none
# sections: pool-N
# errors: none
# commands: base64, tr
#
# The Key-Value Pair Exchange pool files /var/lib/hyperv/.kvp_pool_0 to _4 that exist, each
# as one line of Base64 in the section "pool-N" (N: the pool's number). Reads only.
for vmic_pool in 0 1 2 3 4; do
    vmic_file="/var/lib/hyperv/.kvp_pool_$vmic_pool"
    if [ -f "$vmic_file" ]; then
        echo "<<vmic:pool-$vmic_pool>>"
        base64 < "$vmic_file" | tr -d '\n'
        echo
    fi
done
echo '<<vmic:end>>'
