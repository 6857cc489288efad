# Masks secrets in text, the same way at build time and at run time: the
# values of the environment's variables whose names look secret, and every
# fragment of them of 4 characters or more (tools echo parts of a value:
# Tempo's YAML errors quote its first characters).
#   -v secret_names=RE  names whose values are secret (SECRET_NAME_RE)
#   -v filter=1         print every input line masked; without it, the
#                       program that includes this file calls mask()
# The values come from the environment, never from argv.
BEGIN {
  secret_count = 0
  for (name in ENVIRON) {
    value = ENVIRON[name]
    # Shorter values would mask ordinary words; they are not worth hiding anyway.
    if (toupper(name) !~ secret_names || length(value) < 4) continue
    secrets[++secret_count] = value
    for (i = 1; i + 3 <= length(value); i++) quads[substr(value, i, 4)] = 1
  }
}

function is_fragment(text,   k) {
  for (k = 1; k <= secret_count; k++) if (index(secrets[k], text)) return 1
  return 0
}

# One lookup per position in the common case: a 4-character window that
# begins a fragment is then stretched to the longest fragment.
function mask(line,   out, start, i, n, len) {
  if (secret_count == 0) return line
  out = ""
  start = 1
  n = length(line)
  for (i = 1; i + 3 <= n; i++) {
    if (!(substr(line, i, 4) in quads)) continue
    for (len = 4; i + len <= n && is_fragment(substr(line, i, len + 1)); len++) {}
    out = out substr(line, start, i - start) "***"
    i += len - 1
    start = i + 1
  }
  return out substr(line, start)
}

filter {
  print mask($0)
  fflush()
}
