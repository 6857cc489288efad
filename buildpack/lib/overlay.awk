# Sets keys of a block-style YAML file (the Tempo config) without a YAML library.
# Reads the file on stdin and the keys from the file `overlay`, one per line:
# a dotted path, a tab, the value as it is to be written (a scalar or a flow
# sequence). An existing key gets the new value (its old block, if any, goes);
# a missing one is added at the end of its deepest existing parent. Comments, blank
# lines and every other key stay as they are.

function indent_of(s) {
  match(s, /^ */)
  return RLENGTH
}

# The key a line starts, or "" (comments, blank lines, list items, text).
function key_of(s, t) {
  t = s
  sub(/^ +/, "", t)
  if (t !~ /^[A-Za-z0-9_.+-]+:([ \t]|$)/) return ""
  sub(/:.*/, "", t)
  return t
}

function is_content(s) { return s !~ /^[ \t]*(#.*)?$/ }

# Sets FOUND (line of PATH, or 0), PARENT (line of its deepest existing
# ancestor, or 0) and DEPTH (how many of PATH's keys PARENT covers).
function locate(path, i, k, ind, sp, j, p, stack_ind, stack_key) {
  FOUND = 0; PARENT = 0; DEPTH = 0; sp = 0
  for (i = 1; i <= n; i++) {
    k = key_of(L[i])
    if (k == "") continue
    ind = indent_of(L[i])
    while (sp > 0 && stack_ind[sp] >= ind) sp--
    stack_ind[++sp] = ind
    stack_key[sp] = k
    p = stack_key[1]
    for (j = 2; j <= sp; j++) p = p "." stack_key[j]
    if (p == path) { FOUND = i; return }
    if (index(path, p ".") == 1 && sp > DEPTH) { PARENT = i; DEPTH = sp }
  }
}

function delete_lines(from, count, i) {
  for (i = from; i + count <= n; i++) L[i] = L[i + count]
  n -= count
}

function insert_line(after, text, i) {
  for (i = n; i > after; i--) L[i + 1] = L[i]
  L[after + 1] = text
  n++
}

function pad(count, s) {
  s = ""
  while (count-- > 0) s = s " "
  return s
}

function set_key(path, value, parts, np, ind, last, i, child, at) {
  np = split(path, parts, ".")
  locate(path)
  if (FOUND) {
    ind = indent_of(L[FOUND])
    L[FOUND] = pad(ind) parts[np] ": " value
    # The old value's block: deeper lines up to the last one with content.
    last = FOUND
    for (i = FOUND + 1; i <= n; i++) {
      if (!is_content(L[i])) continue
      if (indent_of(L[i]) <= ind) break
      last = i
    }
    if (last > FOUND) delete_lines(FOUND + 1, last - FOUND)
    return
  }
  if (PARENT) {
    ind = indent_of(L[PARENT])
    # A parent written as "key: {}" or "key:" with an inline value becomes a block.
    L[PARENT] = pad(ind) parts[DEPTH] ":"
    # After the parent's last child, at its children's indentation.
    child = 0
    at = PARENT
    for (i = PARENT + 1; i <= n; i++) {
      if (!is_content(L[i])) continue
      if (indent_of(L[i]) <= ind) break
      if (!child) child = indent_of(L[i])
      at = i
    }
    if (!child) child = ind + 2
  } else {
    child = 0
    at = n
    if (n > 0 && is_content(L[n])) { insert_line(n, ""); at++ }
  }
  for (i = DEPTH + 1; i < np; i++) {
    insert_line(at, pad(child + (i - DEPTH - 1) * 2) parts[i] ":")
    at++
  }
  insert_line(at, pad(child + (np - DEPTH - 1) * 2) parts[np] ": " value)
}

{ L[++n] = $0 }

END {
  while ((getline entry < overlay) > 0) {
    tab = index(entry, "\t")
    set_key(substr(entry, 1, tab - 1), substr(entry, tab + 1))
  }
  for (i = 1; i <= n; i++) print L[i]
}
