#!/usr/bin/env bash
# Run tssa check with the action's inputs: annotations on standard output (the
# runner turns `::error file=...` lines into notes on the diff), the findings
# table appended to the job summary, and tssa's exit code as the step's.
set -uo pipefail

read -r -a paths <<<"$(printf '%s' "${INPUT_PATHS:-.}" | tr '\n' ' ')"
[ "${#paths[@]}" -gt 0 ] || paths=(.)

options=()
case "${INPUT_STRICT:-false}" in true | yes | 1) options+=(--strict) ;; esac
case "${INPUT_LINT:-false}" in true | yes | 1) options+=(--lint) ;; esac
[ -z "${INPUT_SELECT:-}" ] || options+=(--select "$INPUT_SELECT")
[ -z "${INPUT_IGNORE:-}" ] || options+=(--ignore "$INPUT_IGNORE")
[ -z "${INPUT_OUTLINE:-}" ] || options+=(--outline "$INPUT_OUTLINE")

summary="${GITHUB_STEP_SUMMARY:-/dev/null}"
tssa check --format github --summary "$summary" "${options[@]}" -- "${paths[@]}"
status=$?
echo "exit-code=$status" >>"${GITHUB_OUTPUT:-/dev/null}"
exit "$status"
