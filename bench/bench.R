# bench.R FILE KIND — time R on the benchmark data, print "name seconds" lines.
# KIND: surv (fread, survfit, survdiff, coxph, glm) or match (matchit).
# Each fit is timed alone (data already in memory), elapsed seconds.
suppressPackageStartupMessages({library(survival); library(data.table)})
args <- commandArgs(TRUE)
file <- args[1]; kind <- args[2]
t <- function(name, expr) {
  s <- system.time(force(expr))[["elapsed"]]
  cat(sprintf("%s %.3f\n", name, s))
}
t("read", d <- fread(file))
d <- as.data.frame(d)
xs <- paste0("x", 1:10)
if (kind == "surv") {
  t("km", survfit(Surv(time, status) ~ trt, data = d))
  t("logrank", survdiff(Surv(time, status) ~ trt, data = d))
  f <- as.formula(paste("Surv(time, status) ~ trt +", paste(xs, collapse = " + ")))
  t("cox", coxph(f, data = d, ties = "efron"))
  g <- as.formula(paste("trt ~", paste(xs, collapse = " + ")))
  t("logit", glm(g, family = binomial, data = d))
} else if (kind == "match") {
  suppressPackageStartupMessages(library(MatchIt))
  g <- as.formula(paste("trt ~", paste(xs, collapse = " + ")))
  t("match", matchit(g, data = d, method = "nearest", caliper = 0.2))
}
