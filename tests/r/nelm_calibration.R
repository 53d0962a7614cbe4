# nelm_calibration.R — how well the simulated NELM registry reproduces the
# published figures (Mayo et al., Ann Surg Oncol 2011), over many seeds.
#
#   LC_ALL=C Rscript tests/r/nelm_calibration.R [OBSURV] [NSEEDS]
#
# from the repository root (OBSURV defaults to build/obsurv, NSEEDS to 200).
# For seeds 1..NSEEDS it runs `obsurv simulate nelm --seed S` (n = 753) and
# fits with survival what the study fits; it also reads one large cohort
# (--n 200000, seed 20110, the one tests/unit/test_simulate.c checks).  It
# writes tests/golden/nelm/calibration.txt: per-arm Kaplan-Meier medians and
# 5-year survival, the asymptomatic hazard ratios of three propensity-
# adjusted Cox models and the subgroup hazard ratios of surgery vs IAT,
# averaged over seeds (hazard ratios as exp(mean log HR)).  This is a record
# of the generator's calibration, not a golden test with a tolerance.
suppressMessages(library(survival))

args <- commandArgs(TRUE)
obsurv <- if (length(args) >= 1) args[1] else "build/obsurv"
nseed <- if (length(args) >= 2) as.integer(args[2]) else 200L
out <- "tests/golden/nelm/calibration.txt"

simulate <- function(seed, n = 753) {
  con <- pipe(sprintf("%s simulate nelm --seed %d --n %d", shQuote(obsurv), seed, n))
  d <- read.csv(con, stringsAsFactors = FALSE)
  d$treatment <- factor(d$treatment, levels = c("IAT", "surgery"))   # IAT reference
  d$primary_site <- factor(d$primary_site)
  d$sex <- factor(d$sex)
  d
}

# Propensity of surgery from every baseline covariate (complete cases).
add_ps <- function(d) {
  vars <- c("age", "sex", "primary_site", "hormonal", "symptomatic", "burden_gt25", "extrahepatic")
  d <- d[complete.cases(d[, vars]), ]
  m <- glm(treatment ~ age + sex + primary_site + hormonal + symptomatic + burden_gt25 +
             extrahepatic, family = binomial, data = d)
  d$ps <- fitted(m)
  d
}

km_arm <- function(d) {
  f <- survfit(Surv(time, status) ~ treatment, data = d)
  med <- summary(f)$table[, "median"]
  s60 <- summary(f, times = 60, extend = TRUE)$surv
  c(med_surgery = unname(med["treatment=surgery"]), med_iat = unname(med["treatment=IAT"]),
    s60_surgery = s60[2], s60_iat = s60[1])
}

coefp <- function(fit, term) {
  s <- summary(fit)$coefficients
  c(coef = s[term, "coef"], p = s[term, "Pr(>|z|)"])
}

one_seed <- function(seed) {
  d <- simulate(seed)
  k <- km_arm(d)
  lr <- survdiff(Surv(time, status) ~ treatment, data = d)
  lr_p <- pchisq(lr$chisq, 1, lower.tail = FALSE)
  crude <- coefp(coxph(Surv(time, status) ~ treatment, data = d), "treatmentsurgery")
  dc <- add_ps(d)
  # (A) main effects + propensity score
  fa <- coxph(Surv(time, status) ~ treatment + symptomatic + burden_gt25 + extrahepatic +
                age + primary_site + ps, data = dc)
  a <- coefp(fa, "symptomatic"); trt_a <- coefp(fa, "treatmentsurgery")
  # (B) with the treatment x symptoms interaction: asymptomatic vs symptomatic
  #     among surgical patients = -(symptomatic + treatmentsurgery:symptomatic)
  fb <- coxph(Surv(time, status) ~ treatment * symptomatic + burden_gt25 + extrahepatic +
                age + primary_site + ps, data = dc)
  cb <- coef(fb); vb <- vcov(fb)
  l <- c("symptomatic", "treatmentsurgery:symptomatic")
  b_coef <- -sum(cb[l]); b_se <- sqrt(sum(vb[l, l]))
  b_p <- 2 * pnorm(-abs(b_coef / b_se))
  int_p <- coefp(fb, "treatmentsurgery:symptomatic")["p"]
  # (C) surgical patients only
  fc <- coxph(Surv(time, status) ~ symptomatic + burden_gt25 + extrahepatic + age +
                primary_site, data = dc, subset = treatment == "surgery")
  cc <- coefp(fc, "symptomatic")
  # Subgroups: surgery vs IAT, crude and propensity-adjusted
  sub <- list(sym_hi = with(dc, symptomatic == 1 & burden_gt25 == 1),
              sym_lo = with(dc, symptomatic == 1 & burden_gt25 == 0),
              asym = with(dc, symptomatic == 0),
              asym_hi = with(dc, symptomatic == 0 & burden_gt25 == 1))
  sg <- unlist(lapply(names(sub), function(s) {
    ds <- dc[sub[[s]], ]
    u <- coefp(coxph(Surv(time, status) ~ treatment, data = ds), "treatmentsurgery")
    p <- coefp(coxph(Surv(time, status) ~ treatment + ps, data = ds), "treatmentsurgery")
    setNames(c(u, p, nrow(ds)), paste0(s, c("_crude_coef", "_crude_p", "_ps_coef", "_ps_p", "_n")))
  }))
  c(k, lr_p = lr_p, crude_coef = crude[["coef"]], n_cc = nrow(dc),
    asymA_coef = -a[["coef"]], asymA_p = a[["p"]], trtA_coef = trt_a[["coef"]],
    asymB_coef = b_coef, asymB_p = b_p, int_p = unname(int_p),
    asymC_coef = -cc[["coef"]], asymC_p = cc[["p"]], sg)
}

res <- do.call(rbind, lapply(seq_len(nseed), one_seed))
big <- simulate(20110, 200000)
kb <- km_arm(big)

m <- function(x) mean(x, na.rm = TRUE)
gm <- function(x) exp(mean(x))                      # HR from mean log HR
sdm <- function(x) sd(x) / sqrt(sum(!is.na(x)))     # Monte-Carlo SE of a mean
pct <- function(x) 100 * mean(x < 0.05)

lines <- c(
  "# Calibration of `obsurv simulate nelm` (n = 753) against Mayo et al. 2011.",
  sprintf("# Written by tests/r/nelm_calibration.R over seeds 1..%d; R %s, survival %s.",
          nseed, getRversion(), packageVersion("survival")),
  "# Averages over seeds; HR = exp(mean log HR); (+-) is the Monte-Carlo SE of the mean.",
  "# HRs of 'surgery vs IAT' are exp(coef of treatmentsurgery): < 1 favours surgery.",
  "",
  "## Per-arm Kaplan-Meier (target: median 123 vs 34 months; 5-year OS 74% vs 30%)",
  sprintf("median OS surgery   %7.1f (+-%.1f)  target 123   (median not reached in %d of %d seeds)",
          m(res[, "med_surgery"]), sdm(res[, "med_surgery"]), sum(is.na(res[, "med_surgery"])), nseed),
  sprintf("median OS IAT       %7.1f (+-%.1f)  target 34", m(res[, "med_iat"]), sdm(res[, "med_iat"])),
  sprintf("5-year OS surgery   %7.3f (+-%.3f) target 0.74", m(res[, "s60_surgery"]), sdm(res[, "s60_surgery"])),
  sprintf("5-year OS IAT       %7.3f (+-%.3f) target 0.30", m(res[, "s60_iat"]), sdm(res[, "s60_iat"])),
  sprintf("log-rank P < 0.001 in %.0f%% of seeds (published P < 0.001)", 100 * mean(res[, "lr_p"] < 0.001)),
  sprintf("large cohort (n 200000, seed 20110): median %.1f vs %.1f, 5-year OS %.4f vs %.4f",
          kb["med_surgery"], kb["med_iat"], kb["s60_surgery"], kb["s60_iat"]),
  "",
  "## Surgery vs IAT, whole cohort",
  sprintf("crude Cox HR                           %.3f", gm(res[, "crude_coef"])),
  sprintf("propensity-adjusted (model A) HR       %.3f", gm(res[, "trtA_coef"])),
  "",
  "## Asymptomatic vs symptomatic disease (published: HR 2.6, P = 0.001)",
  sprintf("complete cases used: %.0f of 753 on average", m(res[, "n_cc"])),
  "A: Surv ~ treatment + symptomatic + burden_gt25 + extrahepatic + age + primary_site + ps",
  sprintf("   HR %.3f; median P %.2g; P < 0.05 in %.0f%%", gm(res[, "asymA_coef"]),
          median(res[, "asymA_p"]), pct(res[, "asymA_p"])),
  "B: Surv ~ treatment * symptomatic + burden_gt25 + extrahepatic + age + primary_site + ps,",
  "   asymptomatic vs symptomatic among surgical patients (the published reading)",
  sprintf("   HR %.3f; median P %.2g; P < 0.05 in %.0f%%", gm(res[, "asymB_coef"]),
          median(res[, "asymB_p"]), pct(res[, "asymB_p"])),
  sprintf("   treatment x symptoms interaction: median P %.2g; P < 0.05 in %.0f%%",
          median(res[, "int_p"]), pct(res[, "int_p"])),
  "C: surgical patients only, Surv ~ symptomatic + burden_gt25 + extrahepatic + age + primary_site",
  sprintf("   HR %.3f; median P %.2g; P < 0.05 in %.0f%%", gm(res[, "asymC_coef"]),
          median(res[, "asymC_p"]), pct(res[, "asymC_p"])),
  "",
  "## Subgroups: surgery vs IAT (published: benefit if symptomatic and > 25%; none if asymptomatic, P = 0.78)",
  sprintf("%-28s %6s %10s %9s %9s %10s %9s", "subgroup", "n", "crude HR", "med P", "P<.05", "ps-adj HR", "med P"))
labels <- c(sym_hi = "symptomatic, burden > 25%", sym_lo = "symptomatic, burden <= 25%",
            asym = "asymptomatic", asym_hi = "asymptomatic, burden > 25%")
for (s in names(labels)) {
  col <- function(x) res[, paste0(s, "_", x)]
  lines <- c(lines, sprintf("%-28s %6.0f %10.3f %9.2g %8.0f%% %10.3f %9.2g", labels[[s]], m(col("n")),
                            gm(col("crude_coef")), median(col("crude_p")), pct(col("crude_p")),
                            gm(col("ps_coef")), median(col("ps_p"))))
}
dir.create(dirname(out), recursive = TRUE, showWarnings = FALSE)
writeLines(lines, out)
cat(lines, sep = "\n")
