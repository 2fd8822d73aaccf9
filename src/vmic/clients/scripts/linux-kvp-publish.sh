# vmic-script: linux-kvp-publish
# runs-on: Linux guest
# parameters: PoolFile, Key, Value, Sudo
# sections: result
# errors: no-pool, no-python, too-long, corrupt, write-failed
# commands: python3, sudo
#
# Adds or replaces the record $Key = $Value in the pool file $PoolFile (pool 1,
# /var/lib/hyperv/.kvp_pool_1, what the guest publishes to the host), under the daemon's
# whole-file fcntl write lock, with python3 in the guest (as root through sudo -n when $Sudo is
# true). The key and value reach python3 as arguments, never as code. Section "result" is
# "added" or "replaced". Errors: "no-pool" (the KVP daemon never created the file),
# "no-python", "too-long", "corrupt" (the file does not end on a record boundary),
# "write-failed".
#
# The python3 program: take the whole-file write lock (as hv_kvp_daemon and Microsoft's sample
# take it), replace the record whose key matches exactly or append one, rewrite, unlock.
#vmic:include _posix-path.sh
#vmic:include _sudo.sh
#vmic:include _error.sh
if [ ! -f "$PoolFile" ]; then vmic_error no-pool; fi
if ! command -v python3 >/dev/null 2>&1; then vmic_error no-python; fi
vmic_code='import fcntl, os, sys
path = sys.argv[1]
key = sys.argv[2].encode("utf-8", "surrogateescape")
value = sys.argv[3].encode("utf-8", "surrogateescape")
if not key or len(key) >= 512 or len(value) >= 2048 or 0 in key or 0 in value:
    print("too-long")
    sys.exit(3)
fd = os.open(path, os.O_RDWR)
try:
    fcntl.lockf(fd, fcntl.LOCK_EX)
    chunks = []
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    data = b"".join(chunks)
    if len(data) % 2560:
        print("corrupt")
        sys.exit(3)
    records = [data[i:i + 2560] for i in range(0, len(data), 2560)]
    record = key.ljust(512, b"\0") + value.ljust(2048, b"\0")
    done = "added"
    for index, old in enumerate(records):
        if old[:512].split(b"\0", 1)[0] == key:
            records[index] = record
            done = "replaced"
            break
    else:
        records.append(record)
    out = b"".join(records)
    os.lseek(fd, 0, os.SEEK_SET)
    view = memoryview(out)
    while view:
        view = view[os.write(fd, view):]
    os.ftruncate(fd, len(out))
    print(done)
finally:
    fcntl.lockf(fd, fcntl.LOCK_UN)
    os.close(fd)
'
vmic_out=$(vmic_run python3 -c "$vmic_code" "$PoolFile" "$Key" "$Value")
vmic_status=$?
if [ "$vmic_status" -ne 0 ]; then vmic_error "${vmic_out:-write-failed}"; fi
echo '<<vmic:result>>'
echo "$vmic_out"
echo '<<vmic:end>>'
