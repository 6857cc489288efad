# Relays Tempo's log to the launcher's output, line by line (where secrets
# are masked: mask_output).
#   -v keep=N          how many last lines to keep
#   -v tail_file=F     where the last lines go when Tempo's output ends
#   -v flushed_file=F  created once the ingester has stopped, i.e. once
#                      flush_all_on_shutdown has pushed its blocks (2.x)
{
  print
  fflush()
  ring[NR % keep] = $0
  if (!flushed && ($0 ~ /module stopped/ || $0 ~ /module failed with error/) && $0 ~ /module[=":]+ingester/) {
    flushed = 1
    printf "" > flushed_file
    close(flushed_file)
  }
}
END {
  first = NR - keep + 1
  if (first < 1) first = 1
  printf "" > tail_file
  for (i = first; i <= NR; i++) print ring[i % keep] > tail_file
  close(tail_file)
}
