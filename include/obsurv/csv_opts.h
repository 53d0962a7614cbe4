/*
 * obsurv/csv_opts.h — the CSV reader with options: only some columns, two
 * threads, progress.  Same contract as obs_csv_read (obsurv/csv.h) except:
 *
 *   columns  NULL-terminated list of column names to keep (NULL: all).  The
 *            other columns are only split into fields (a malformed row, an
 *            unclosed quote or a NUL byte is still an error) and are absent
 *            from the table; names not in the header are ignored (the model
 *            frame reports them).  The kept columns are in file order.
 *   threads  0: obs_parallel_threads(); 1: one thread; 2: two.  With two,
 *            the rows are cut in halves at a line start and parsed at once
 *            when the data hold no quote character; any quote, or any error
 *            in either half, makes the whole file go through the one-thread
 *            path, so results and messages do not depend on the thread count.
 *   progress optional hook (obsurv/progress.h), called with bytes parsed.
 */
#ifndef OBSURV_CSV_OPTS_H
#define OBSURV_CSV_OPTS_H

#include <stddef.h>
#include "obsurv/table.h"
#include "obsurv/progress.h"

typedef struct {
    const char *const *columns;
    int threads;
    obs_progress_fn progress;
    void *progress_ctx;
} obs_csv_options;

obs_status obs_csv_read_opts(const char *path, const obs_csv_options *o,
                             obs_table **out, obs_error *err);
obs_status obs_csv_read_buffer_opts(const char *buf, size_t len, const char *source,
                                    const obs_csv_options *o, obs_table **out, obs_error *err);

#endif
