/*
 * reader.c — dispatch on content to the format readers; see obsurv/reader.h.
 * (CSV only until the ReadStat and SQLite readers land.)
 */
#include "obsurv/reader.h"
#include "obsurv/csv.h"

obs_status obs_read_table(const char *path, const obs_read_options *opt,
                          obs_table **out, obs_error *err)
{
    (void)opt;
    return obs_csv_read(path, out, err);
}
