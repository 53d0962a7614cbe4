# tests/r/matched.R — references for the analysis of survival after matching
# (doc/matched-analysis.md): MatchIt 4.5.1 matches, then survival 3.5-3's
# coxph / survfit / survdiff on the matched set.
#
#   LC_ALL=C Rscript tests/r/matched.R        (from the repository root)
#
# For each scenario R runs matchit() on the complete rows and writes
#   tests/golden/data/matched_NAME.csv        match.data(): the data columns,
#                                             subclass, weights (as obsurv's
#                                             `match --matched` writes them)
#   tests/golden/data/matched_NAME_pairs.csv  get_matches(): one row per
#                                             (pair, unit), plus id (the data
#                                             row number), subclass, weights
#   tests/golden/data/matched_scenarios.txt   the obsurv match options of each
#                                             scenario, for tests/cli/matched_files.sh
# and references that run obsurv on R's matched files:
#   tests/golden/matched/NAME_*.cmd/.json     coxph (TOLERANCE 1e-6)
#   tests/golden/matched_km/NAME_*.cmd/.json  survfit and survdiff (1e-8)
#   tests/cli/matched_roundtrip.t             obsurv match --matched, then obsurv
#                                             cox/km on obsurv's own matched file,
#                                             checked against R's numbers
# Numbers in the CSVs are written with 17 significant digits, and R analyses
# the files as read back, so R and obsurv see the same doubles.

km_helpers_only <- TRUE
source("tests/r/km.R")   # golden_json, write_golden, shell_args (survival, jsonlite)
suppressPackageStartupMessages(library(MatchIt))
stopifnot(packageVersion("MatchIt") == "4.5.1", packageVersion("survival") >= "3.5")

ddir <- "tests/golden/data"
cox_dir <- "tests/golden/matched"
km_dir <- "tests/golden/matched_km"
for (d in c(cox_dir, km_dir)) dir.create(d, showWarnings = FALSE, recursive = TRUE)
writeLines("1e-6", file.path(cox_dir, "TOLERANCE"))
writeLines("1e-8", file.path(km_dir, "TOLERANCE"))

# ---- CSV with full precision -------------------------------------------------
# Numbers in their shortest form that reads back exactly (15 to 17 significant
# digits), NA empty, text quoted only when it holds a comma or a quote: the
# CSV dialect obsurv writes, so the files can be compared byte for byte.
fmt_num <- function(x) {
  out <- sprintf("%.15g", x)
  for (p in 16:17) {
    bad <- !is.na(x) & suppressWarnings(as.numeric(out)) != x
    out[bad] <- sprintf(paste0("%.", p, "g"), x[bad])
  }
  out[is.na(x)] <- ""
  out
}
fmt_chr <- function(x) {
  x <- as.character(x)
  q <- !is.na(x) & grepl('[,"]', x)
  x[q] <- paste0('"', gsub('"', '""', x[q]), '"')
  x[is.na(x)] <- ""
  x
}
write_full <- function(d, path) {
  cols <- lapply(d, function(x) if (is.numeric(x)) fmt_num(as.double(x)) else fmt_chr(x))
  writeLines(c(paste(names(d), collapse = ","), do.call(paste, c(cols, sep = ","))), path)
}

# ---- data ------------------------------------------------------------------------
# lung: female (sex == 2) as the "treatment"; tests/golden/data/lung_sex.csv is
# written by tests/r/match.R.
lung <- read.csv(file.path(ddir, "lung_sex.csv"))
flung <- female ~ age + ph.ecog + ph.karno + wt.loss

# lalonde with a simulated time to an event, so that a caliper binds (on lung
# MatchIt 4.5.1's caliper does not: it compares distance differences truncated
# to whole numbers, see obsurv match --help).  Hazard rises with age and falls
# with treatment (log HR -0.4) and with 1978 earnings; administrative
# censoring at 36, random censoring at rate 0.01.
lalonde <- read.csv("../shared/data/lalonde.csv")
set.seed(20240607)
n <- nrow(lalonde)
lp <- -3 + 0.02 * (lalonde$age - 25) - 0.4 * lalonde$treat - 0.00003 * lalonde$re78
ev <- rexp(n, exp(lp))
cens <- pmin(rexp(n, 0.01), 36)
lalonde$time <- round(pmin(ev, cens), 2)
lalonde$status <- as.integer(ev <= cens)
lalonde$time[lalonde$time == 0] <- 0.01
write_full(lalonde, file.path(ddir, "matched_lalonde.csv"))
lalonde <- read.csv(file.path(ddir, "matched_lalonde.csv"))
flal <- treat ~ age + educ + race + married + nodegree + re74 + re75

# ---- references --------------------------------------------------------------------
num <- function(x) if (length(x) == 0 || is.na(x)) NA else unname(x)

cox_ref <- function(fit) {
  s <- summary(fit)
  cf <- s$coefficients
  robust <- !is.null(fit$naive.var)
  coefs <- lapply(seq_len(nrow(cf)), function(i) list(
    term = rownames(cf)[i], coef = num(cf[i, "coef"]), se = num(cf[i, "se(coef)"]),
    robust_se = if (robust) num(cf[i, "robust se"]) else NA,
    z = num(cf[i, "z"]), p = num(cf[i, "Pr(>|z|)"]), hr = num(cf[i, "exp(coef)"]),
    hr_lower = num(s$conf.int[i, 3]), hr_upper = num(s$conf.int[i, 4])))
  tst <- function(v) list(stat = num(v[1]), df = num(v[2]), p = num(v[3]))
  df <- sum(!is.na(coef(fit)))
  tests <- list(lr = tst(s$logtest),
                wald = tst(c(fit$wald.test, df, pchisq(fit$wald.test, df, lower.tail = FALSE))),
                score = tst(s$sctest))
  if (robust) tests$robust_score <- tst(s$robscore)
  list(n = fit$n, nevent = fit$nevent, ties = fit$method,
       loglik = list(null = fit$loglik[1], model = fit$loglik[2]),
       coefficients = coefs, tests = tests)
}

km_ref <- function(fit) {
  tab <- summary(fit)$table
  logse <- is.null(fit$logse) || fit$logse
  strata <- lapply(seq_along(fit$strata), function(i) {
    f1 <- fit[i]
    list(name = names(fit$strata)[i], n = fit$n[i], events = unname(tab[i, "events"]),
         median = unname(tab[i, "median"]), median_lower = unname(tab[i, "0.95LCL"]),
         median_upper = unname(tab[i, "0.95UCL"]),
         time = I(f1$time), n_risk = I(f1$n.risk), n_event = I(f1$n.event),
         n_censor = I(f1$n.censor), surv = I(f1$surv),
         std_err = I(if (logse) f1$std.err * f1$surv else f1$std.err),
         lower = I(f1$lower), upper = I(f1$upper))
  })
  list(conf_type = "log", conf_level = 0.95, strata = strata)
}

logrank_ref <- function(sd) {
  o <- if (is.matrix(sd$obs)) rowSums(sd$obs) else sd$obs
  e <- if (is.matrix(sd$exp)) rowSums(sd$exp) else sd$exp
  list(chisq = sd$chisq, df = sum(e > 0) - 1, p = sd$pvalue,
       groups = lapply(seq_along(sd$n), function(k)
         list(name = names(sd$n)[k], n = as.integer(sd$n[k]), observed = o[k], expected = e[k])))
}

# Leading significant digits of v as %.17g prints it, cut where the next
# digits are far (>= 5% of the last kept digit) from a carry, so that an
# implementation agreeing with R to ~1e-8 relative prints the same prefix.
prefix <- function(v) {
  s <- sprintf("%.17g", v)
  stopifnot(!grepl("e", s))
  short <- sprintf("%.15g", v)
  if (nchar(gsub("[^0-9]", "", short)) <= 8) return(paste0(s, ","))   # a data value (median time): exact
  for (k in 8:5) {
    digits <- gsub("[^0-9]", "", s)
    lead <- regexpr("[1-9]", digits)
    rest <- as.numeric(paste0("0.", substr(digits, lead + k, lead + k + 3)))
    if (rest >= 0.05 && rest <= 0.95) {
      cut <- 0; seen <- 0; chars <- strsplit(s, "")[[1]]; started <- FALSE
      for (j in seq_along(chars)) {
        if (grepl("[0-9]", chars[j])) {
          if (chars[j] != "0") started <- TRUE
          if (started) seen <- seen + 1
        }
        if (seen == k) { cut <- j; break }
      }
      return(substr(s, 1, cut))
    }
  }
  stop("no safe prefix for ", s)
}

rt <- c("# Generated by tests/r/matched.R: do not edit.  obsurv match --matched writes",
        "# the matched set; obsurv cox / km on that file must give R's numbers on",
        "# MatchIt's match.data() / get_matches() (leading digits: see prefix() there).",
        "")
rt_add <- function(...) rt <<- c(rt, ...)

manifest <- c("# Generated by tests/r/matched.R: NAME DATA MATCH-OPTIONS, one scenario a line;",
              "# tests/cli/matched_files.sh checks that obsurv match --matched writes",
              "# tests/golden/data/matched_NAME.csv and (--matched-format pairs)",
              "# matched_NAME_pairs.csv byte for byte as MatchIt's match.data() and get_matches().")
n_cases <- 0
golden <- function(dir, name, args, ref) {
  write_golden(dir, name, args, ref)
  n_cases <<- n_cases + 1
}

# One scenario: match in R, write R's matched files, then the references.
#   data/datafile: the data frame and its file as obsurv reads it (@TESTS@/...)
#   margs: obsurv match options; ...: the same options for matchit()
scenario <- function(name, data, datafile, f, margs, ...) {
  keep <- complete.cases(model.frame(f, data, na.action = na.pass))
  d <- data[keep, ]                               # row names = data row numbers
  m <- suppressWarnings(matchit(f, data = d, ...))
  md <- match.data(m, distance = "prop.score")
  md$prop.score <- NULL
  if (!is.null(md$subclass)) md$subclass <- as.integer(as.character(md$subclass))
  else md$subclass <- NA_integer_                 # as obsurv writes it: an empty column
  md <- md[, c(setdiff(names(md), c("subclass", "weights")), "subclass", "weights")]
  tv <- all.vars(f)[1]
  S <- "Surv(time, status)"
  rfile <- file.path(ddir, paste0("matched_", name, ".csv"))
  write_full(md, rfile)
  md <- read.csv(rfile)
  R <- paste0("@TESTS@/golden/data/matched_", name, ".csv")
  replace <- isTRUE(list(...)$replace)

  # Cox on the matched set: matching weights; robust SE clustered on the pairs,
  # or (with replacement: no pairs in match.data) on the unit = the row.
  fcox <- if (replace) paste(S, "~", tv) else paste(S, "~", tv, "+ cluster(subclass)")
  fit <- if (replace) coxph(as.formula(fcox), md, weights = weights, robust = TRUE)
         else coxph(as.formula(fcox), md, weights = weights)
  cargs <- c("cox", "--data", R, "--formula", fcox, "--weights", "weights", if (replace) "--robust", "--format", "json")
  golden(cox_dir, paste0(name, "_cox"), do.call(shell_args, as.list(cargs)), cox_ref(fit))

  # Kaplan-Meier with the matching weights, and the log-rank test (unweighted,
  # as survdiff; see doc/matched-analysis.md for when that is enough).
  fkm <- paste(S, "~", tv)
  km <- survfit(as.formula(fkm), md, weights = weights)
  golden(km_dir, paste0(name, "_km"),
         shell_args("km", "--data", R, "--formula", fkm, "--weights", "weights", "--format", "json"), km_ref(km))
  golden(km_dir, paste0(name, "_logrank"),
         shell_args("logrank", "--data", R, "--formula", fkm, "--format", "json"),
         logrank_ref(survdiff(as.formula(fkm), md)))
  if (!replace && max(table(md$subclass)) == 2) {
    # 1:1 pairs: the stratified (paired) log-rank test, each pair a stratum.
    fp <- paste(S, "~", tv, "+ strata(subclass)")
    golden(km_dir, paste0(name, "_logrank_paired"),
           shell_args("logrank", "--data", R, "--formula", fp, "--format", "json"),
           logrank_ref(survdiff(as.formula(fp), md)))
  }

  # Round trip: obsurv's own matched file gives R's numbers.
  fml <- paste(deparse(f), collapse = "")
  mline <- paste(shell_args("match", "--data", datafile, "--formula", fml), margs,
                 "--matched", paste0("@TMP@/", name, ".csv"), "--format json")
  rt_add(paste("case", name, "match --matched writes the matched set"), paste("run", mline), "exit 0",
         sprintf('stdout "n_treated_matched":%d,"n_control_matched":%d',
                 sum(m$weights > 0 & m$treat == 1), sum(m$weights > 0 & m$treat == 0)), "end", "")
  cf <- summary(fit)$coefficients
  rt_add(paste("case", name, "cox on obsurv's matched set as coxph on match.data"),
         paste("run", do.call(shell_args, as.list(sub(R, paste0("@TMP@/", name, ".csv"), cargs, fixed = TRUE)))),
         "exit 0", sprintf('stdout "n":%d,"nevent":%d,', fit$n, fit$nevent),
         sprintf('stdout "coef":%s', prefix(cf[1, "coef"])),
         sprintf('stdout "robust_se":%s', prefix(cf[1, "robust se"])), "end", "")
  rt_add(paste("case", name, "km on obsurv's matched set as survfit on match.data"),
         paste("run", shell_args("km", "--data", paste0("@TMP@/", name, ".csv"), "--formula", fkm,
                                 "--weights", "weights", "--format", "json")),
         "exit 0", sprintf('stdout "median":%s', prefix(summary(km)$table[1, "median"])),
         sprintf('stdout "median":%s', prefix(summary(km)$table[2, "median"])), "end", "")

  # get_matches(): a row per (pair, unit), in obsurv's column order.
  gm <- get_matches(m, distance = "prop.score")
  gm$prop.score <- NULL
  gm <- gm[, c(setdiff(names(gm), c("id", "subclass", "weights")), "id", "subclass", "weights")]
  gm$id <- as.integer(gm$id)
  gm$subclass <- as.integer(as.character(gm$subclass))
  pfile <- file.path(ddir, paste0("matched_", name, "_pairs.csv"))
  write_full(gm, pfile)
  manifest <<- c(manifest, paste(name, datafile, paste(shell_args("--formula", fml), margs)))

  if (replace) {
    # Austin & Cafri (2020) combine three sandwich variances on the
    # get_matches() layout: clustered on the pair, on the unit id, and on
    # the row.
    rt_add(paste("case", name, "match --matched-format pairs writes get_matches()"),
           paste("run", sub(paste0("@TMP@/", name, ".csv"), paste0("@TMP@/", name, "_pairs.csv"),
                            sub("--format json", "--matched-format pairs --format json", mline, fixed = TRUE),
                            fixed = TRUE)),
           "exit 0", "end", "")
    gm <- read.csv(pfile)
    P <- paste0("@TESTS@/golden/data/matched_", name, "_pairs.csv")
    fits <- list()
    for (cl in c("subclass", "id", "row")) {
      fc <- if (cl == "row") paste(S, "~", tv) else paste0(S, " ~ ", tv, " + cluster(", cl, ")")
      fit2 <- if (cl == "row") coxph(as.formula(fc), gm, weights = weights, robust = TRUE)
              else coxph(as.formula(fc), gm, weights = weights)
      fits[[cl]] <- fit2
      a <- c("cox", "--data", P, "--formula", fc, "--weights", "weights", if (cl == "row") "--robust",
             "--format", "json")
      golden(cox_dir, paste0(name, "_pairs_cox_", cl), do.call(shell_args, as.list(a)), cox_ref(fit2))
      if (cl != "row") {
        rt_add(paste("case", name, "pairs: cox clustered on", cl, "on obsurv's get_matches layout"),
               paste("run", do.call(shell_args, as.list(sub(P, paste0("@TMP@/", name, "_pairs.csv"), a, fixed = TRUE)))),
               "exit 0", sprintf('stdout "n":%d,"nevent":%d,', fit2$n, fit2$nevent),
               sprintf('stdout "robust_se":%s', prefix(summary(fit2)$coefficients[1, "robust se"])), "end", "")
      }
    }
    # the combined variance (Austin & Cafri 2020; MatchIt's estimating-effects
    # vignette), printed for doc/matched-analysis.md
    k <- c(subclass = length(unique(gm$subclass)), id = length(unique(gm$id)), row = nrow(gm))
    v <- sapply(names(fits), function(cl) fits[[cl]]$var[1, 1])
    vc <- k["subclass"] / (k["subclass"] - 1) * v["subclass"] + k["id"] / (k["id"] - 1) * v["id"] -
          k["row"] / (k["row"] - 1) * v["row"]
    cat(sprintf("%s: Austin-Cafri SE %.10g (pairs %d, units %d, rows %d; SE clustered on pair %.10g, unit %.10g, row %.10g)\n",
                name, sqrt(vc), k[1], k[2], k[3], sqrt(v[1]), sqrt(v[2]), sqrt(v[3])))
  }
  cat(sprintf("%s: HR %.6f, robust SE %.6f, %d treated and %d controls matched\n", name,
              exp(coef(fit)), sqrt(fit$var[1, 1]), sum(m$weights > 0 & m$treat == 1),
              sum(m$weights > 0 & m$treat == 0)))
}

G <- "@TESTS@/golden/data/lung_sex.csv"
L <- "@TESTS@/golden/data/matched_lalonde.csv"
scenario("lung_1to1", lung, G, flung, "")
scenario("lung_2to1", lung, G, flung, "--ratio 2", ratio = 2)
scenario("lung_replace", lung, G, flung, "--replace", replace = TRUE)
scenario("lung_2to1_replace", lung, G, flung, "--ratio 2 --replace", ratio = 2, replace = TRUE)
scenario("lalonde_caliper", lalonde, L, flal, "--distance logit --caliper 0.2",
         distance = "glm", link = "linear.logit", caliper = 0.2)
scenario("lalonde_2to1_caliper", lalonde, L, flal, "--distance logit --caliper 0.2 --ratio 2",
         distance = "glm", link = "linear.logit", caliper = 0.2, ratio = 2)

writeLines(rt, "tests/cli/matched_roundtrip.t")
writeLines(manifest, file.path(ddir, "matched_scenarios.txt"))
cat(n_cases, "golden cases written\n")
