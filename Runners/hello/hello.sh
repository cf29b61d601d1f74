#!/bin/sh
# hello: greets every name in input `names` and writes output `greetings/greetings.txt`.
#
# Input `names` is a text file (or a folder of them, read in byte order of their paths) with one
# name per line; blank lines are skipped and surrounding spaces trimmed. For each name the tool
# writes "<greeting>, <name>!" and prints a one-line summary. POSIX sh and coreutils only.
#
# usage: sh hello.sh [--greeting WORD]      (default greeting: Hello)
set -eu

fail() {
    printf 'hello: %s\n' "$1" >&2
    exit 2
}

greeting=Hello
while [ $# -gt 0 ]; do
    case $1 in
        --greeting)
            [ $# -ge 2 ] || fail "option '--greeting' needs a value"
            greeting=$2
            shift 2
            ;;
        --greeting=*)
            greeting=${1#--greeting=}
            shift
            ;;
        -h | --help)
            printf 'usage: sh hello.sh [--greeting WORD]\n'
            exit 0
            ;;
        *)
            fail "unexpected argument '$1' (usage: sh hello.sh [--greeting WORD])"
            ;;
    esac
done
case $greeting in
    '' | *'
'*) fail "the greeting must be one non-empty line" ;;
esac

names=${SHOAL_INPUTS:-/inputs}/names
out=${SHOAL_OUTPUTS:-/outputs}/greetings
[ -e "$names" ] || fail "input 'names' is missing (expected a file or folder at $names)"
mkdir -p "$out"

# The files to read, in a fixed order whatever the file system's listing order.
list=$(mktemp "${TMPDIR:-/tmp}/hello.XXXXXX")
trap 'rm -f "$list"' EXIT
if [ -d "$names" ]; then
    # Hidden files and folders are skipped, as the Python runners skip them.
    find "$names" ! -path "$names" -name '.*' -prune -o -type f -print | LC_ALL=C sort > "$list"
else
    printf '%s\n' "$names" > "$list"
fi
[ -s "$list" ] || fail "input 'names' holds no files"

count=0
: > "$out/greetings.txt"
while IFS= read -r file; do
    while IFS= read -r name || [ -n "$name" ]; do
        # Trim surrounding blanks (and a CR from CRLF files) without depending on the locale.
        name=$(printf '%s' "$name" | tr -d '\r' | sed -e 's/^[[:blank:]]*//' -e 's/[[:blank:]]*$//')
        [ -n "$name" ] || continue
        printf '%s, %s!\n' "$greeting" "$name" >> "$out/greetings.txt"
        count=$((count + 1))
    done < "$file"
done < "$list"

[ "$count" -gt 0 ] || fail "input 'names' holds no names (one name per line expected)"
printf 'hello: greeted %d name(s)\n' "$count"
