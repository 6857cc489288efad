# Flattens the mappings of a YAML file into "dotted.path<TAB>value" lines
# (value "{}" for a mapping), enough to inspect where Tempo listens. Handles
# block mappings and flow mappings ({a: b, c: {d: e}}); list items and
# multi-line scalars are skipped.
function trim(s) {
  sub(/^[ \t]+/, "", s)
  sub(/[ \t]+$/, "", s)
  return s
}
function unquote(s) {
  s = trim(s)
  if (s ~ /^".*"$/ || s ~ /^'.*'$/) s = substr(s, 2, length(s) - 2)
  return s
}
function strip_comment(s,    i, c, q) {
  q = ""
  for (i = 1; i <= length(s); i++) {
    c = substr(s, i, 1)
    if (q != "") { if (c == q) q = ""; continue }
    if (c == "\"" || c == "'") { q = c; continue }
    if (c == "#" && (i == 1 || substr(s, i - 1, 1) ~ /[ \t]/)) return substr(s, 1, i - 1)
  }
  return s
}
function emit(path, value) {
  value = trim(value)
  if (value ~ /^\{.*\}$/) {
    print path "\t{}"
    flow(substr(value, 2, length(value) - 2), path)
  } else {
    print path "\t" unquote(value)
  }
}
# Splits the inside of a flow mapping at top-level commas.
function flow(s, base,    i, c, depth, q, part, n, parts, j, k) {
  n = 0; depth = 0; q = ""; part = ""
  for (i = 1; i <= length(s); i++) {
    c = substr(s, i, 1)
    if (q != "") { if (c == q) q = ""; part = part c; continue }
    if (c == "\"" || c == "'") q = c
    else if (c == "{" || c == "[") depth++
    else if (c == "}" || c == "]") depth--
    else if (c == "," && depth == 0) { parts[++n] = part; part = ""; continue }
    part = part c
  }
  if (trim(part) != "") parts[++n] = part
  for (j = 1; j <= n; j++) {
    k = index(parts[j], ":")
    if (k == 0) continue
    emit(base "." unquote(substr(parts[j], 1, k - 1)), substr(parts[j], k + 1))
  }
}
/^[ \t]*(#|$)/ || /^(---|\.\.\.)/ { next }
{
  line = strip_comment($0)
  match(line, /^ */)
  indent = RLENGTH
  rest = substr(line, indent + 1)
  if (rest ~ /^-/) next
  if (!match(rest, /^("[^"]*"|'[^']*'|[^:"' ][^:]*):([ \t]|$)/)) next
  key = unquote(substr(rest, 1, RLENGTH - 1))
  sub(/:$/, "", key)
  value = substr(rest, RLENGTH + 1)
  while (depth > 0 && indents[depth] >= indent) depth--
  depth++
  indents[depth] = indent
  keys[depth] = key
  path = keys[1]
  for (d = 2; d <= depth; d++) path = path "." keys[d]
  if (trim(value) == "") print path "\t{}"
  else emit(path, value)
}
