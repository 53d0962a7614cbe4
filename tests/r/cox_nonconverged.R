# cox_nonconverged.R — Cox fits that run out of iterations: where R stops and
# what it reports (coxph.fit's coxfit6 takes one more step and reports
# iter.max + 1; agreg.fit's agfit4 stops at iter.max).  Writes
# tests/golden/cox/nonconv_*.{cmd,json}.  Run from the repository root:
#   LC_ALL=C Rscript tests/r/cox_nonconverged.R
suppressPackageStartupMessages(library(survival))
out <- "tests/golden/cox"
num <- function(x) if (is.na(x)) "null" else sprintf("%.17g", x)
write_case <- function(name, cmd, fit, terms) {
  writeLines(cmd, file.path(out, paste0(name, ".cmd")))
  se <- sqrt(diag(fit$var))
  co <- sprintf('{"term":"%s","coef":%s,"se":%s}', terms, sapply(fit$coefficients, num), sapply(se, num))
  js <- sprintf('{"n":%d,"converged":false,"iterations":%d,"loglik":{"null":%s,"model":%s},"coefficients":[%s]}',
                fit$n, fit$iter, num(fit$loglik[1]), num(fit$loglik[2]), paste(co, collapse = ","))
  writeLines(js, file.path(out, paste0(name, ".json")))
}
mono <- read.csv("tests/catalogue/data/cox_monotone.csv")
f <- suppressWarnings(coxph(Surv(time, status) ~ x, mono))
write_case("nonconv_monotone_efron",
           'cox --data @TESTS@/catalogue/data/cox_monotone.csv --formula "Surv(time, status) ~ x" --format json',
           f, "x")
f <- suppressWarnings(coxph(Surv(time, status) ~ x, mono, ties = "breslow"))
write_case("nonconv_monotone_breslow",
           'cox --data @TESTS@/catalogue/data/cox_monotone.csv --formula "Surv(time, status) ~ x" --ties breslow --format json',
           f, "x")
mono$t0 <- 0
write.csv(mono, "tests/golden/data/cox_monotone_counting.csv", row.names = FALSE)
f <- suppressWarnings(coxph(Surv(t0, time, status) ~ x, mono))
write_case("nonconv_monotone_counting",
           'cox --data @TESTS@/golden/data/cox_monotone_counting.csv --formula "Surv(t0, time, status) ~ x" --format json',
           f, "x")

# Several covariates, out of iterations before convergence (iter.max 1, 2):
# after iter.max >= 2 coxfit6 inverts the recomputed information without
# factoring it, so vcov() is diag(1 / I_kk); agfit4 (counting process) does not.
lung <- read.csv("../shared/data/lung.csv")
terms <- c("age", "sex", "ph.ecog")
for (k in 1:2) {
  f <- suppressWarnings(coxph(Surv(time, status) ~ age + sex + ph.ecog, lung,
                              control = coxph.control(iter.max = k)))
  write_case(sprintf("nonconv_lung_iter%d", k),
             sprintf('cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex + ph.ecog" --max-iter %d --format json', k),
             f, terms)
}
lw <- lung
lw$w <- rep(c(1, 2), length.out = nrow(lw))
write.csv(lw, "tests/golden/data/cox_lung_w12.csv", row.names = FALSE, na = "")
f <- suppressWarnings(coxph(Surv(time, status) ~ age + sex + ph.ecog + strata(inst), lw, weights = w,
                            ties = "breslow", control = coxph.control(iter.max = 2)))
write_case("nonconv_lung_strata_weights",
           'cox --data @TESTS@/golden/data/cox_lung_w12.csv --weights w --formula "Surv(time, status) ~ age + sex + ph.ecog + strata(inst)" --ties breslow --max-iter 2 --format json',
           f, terms)
ls <- survSplit(Surv(time, status) ~ ., data = lung, cut = c(100, 300), episode = "ep")
write.csv(ls, "tests/golden/data/cox_lung_split3.csv", row.names = FALSE, na = "")
f <- suppressWarnings(coxph(Surv(tstart, time, status) ~ age + sex + ph.ecog, ls,
                            control = coxph.control(iter.max = 2)))
write_case("nonconv_lung_counting_iter2",
           'cox --data @TESTS@/golden/data/cox_lung_split3.csv --formula "Surv(tstart, time, status) ~ age + sex + ph.ecog" --max-iter 2 --format json',
           f, terms)
