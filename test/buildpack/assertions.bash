# Assertions shared by the buildpack suites: they print what was searched on failure.

contains() {
  [[ "$1" == *"$2"* ]] || {
    echo "expected to find: $2"
    echo "--- in:"
    echo "$1"
    return 1
  }
}

lacks() {
  [[ "$1" != *"$2"* ]] || {
    echo "expected NOT to find: $2"
    echo "--- in:"
    echo "$1"
    return 1
  }
}
