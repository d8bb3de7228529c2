# Sourced by the command-line tests: expect() runs a command and checks its exit status
# and a line of its stderr. Uses the caller's $tmp, $passed and $failed.

expect() {  # expect NAME WANTED_EXIT WANTED_STDERR_SUBSTRING -- command...: stdout in $tmp/out, stderr in $tmp/err
    local name=$1 want=$2 text=$3
    shift 4
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [[ $rc -eq $want ]] && { [[ -z $text ]] || grep -qF -- "$text" "$tmp/err"; }; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $name: exit $rc (wanted $want), stderr: $(head -c 300 "$tmp/err")"
    fi
}
