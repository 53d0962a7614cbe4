# km_strata_names.R — survfit's curve names when the formula has strata():
# "strata(x)=LABEL", "GROUP, strata(x)=LABEL " (labels padded), several
# columns in one strata().  Writes tests/golden/km/strata_*.{cmd,json} with
# the names, n, events and the curves' survival.  Data read with read.csv, as
# obsurv reads them.  Run from the repository root:
#   LC_ALL=C Rscript tests/r/km_strata_names.R
suppressPackageStartupMessages(library(survival))
out <- "tests/golden/km"
num <- function(x) ifelse(is.na(x), "null", sprintf("%.17g", x))
case <- function(name, file, formula) {
  d <- read.csv(file.path("../shared/data", file))
  fit <- survfit(as.formula(formula), data = d)
  nm <- names(fit$strata)
  sf <- rep(seq_along(fit$strata), fit$strata)
  st <- vapply(seq_along(nm), function(k) {
    sprintf('{"name":"%s","n":%d,"events":%s,"surv":[%s]}', nm[k], fit$n[k],
            num(sum(fit$n.event[sf == k])), paste(num(fit$surv[sf == k]), collapse = ","))
  }, "")
  writeLines(sprintf('km --data @DATA@/%s --formula "%s" --format json', file, formula),
             file.path(out, paste0(name, ".cmd")))
  writeLines(sprintf('{"strata":[%s]}', paste(st, collapse = ",")), file.path(out, paste0(name, ".json")))
}
case("strata_only", "lung.csv", "Surv(time, status) ~ strata(sex)")
case("strata_with_group", "lung.csv", "Surv(time, status) ~ ph.ecog + strata(sex)")
case("strata_two_columns", "lung.csv", "Surv(time, status) ~ strata(sex, ph.ecog)")
case("strata_text_padded", "veteran.csv", "Surv(time, status) ~ trt + strata(celltype)")
case("strata_text_only", "veteran.csv", "Surv(time, status) ~ strata(celltype)")
