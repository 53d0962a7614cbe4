# tests/r/cox.R — golden references for `obsurv cox` from R's coxph.
#
# Run from the repository root:  LC_ALL=C Rscript tests/r/cox.R
# Writes tests/golden/cox/NAME.cmd (obsurv arguments; @DATA@ = shared data,
# @TESTS@ = tests/) and NAME.json (the reference in obsurv's JSON shape, 17
# significant digits), plus the derived data sets under tests/golden/data/.
suppressPackageStartupMessages({library(survival); library(jsonlite)})
stopifnot(packageVersion("survival") >= "3.5")

out <- "tests/golden/cox"
ddir <- "tests/golden/data"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
dir.create(ddir, showWarnings = FALSE, recursive = TRUE)
writeLines("1e-6", file.path(out, "TOLERANCE"))

shared <- "../shared/data"
lung <- read.csv(file.path(shared, "lung.csv"))
veteran <- read.csv(file.path(shared, "veteran.csv"))
ovarian <- read.csv(file.path(shared, "ovarian.csv"))

wcsv <- function(d, name) {
  write.csv(d, file.path(ddir, name), row.names = FALSE, na = "NA")
}

# --- derived data sets (committed under tests/golden/data/) -----------------
# lung with: a collinear column, fractional and integer weights, an offset,
# a patient id
lx <- lung
lx$age2 <- 2 * lx$age
lx$agemo <- lx$age * 12 + 1e6          # huge values, shifted and scaled age
lx$fw <- round(0.5 + (seq_len(nrow(lx)) %% 7) / 4, 2)
lx$iw <- 1 + seq_len(nrow(lx)) %% 3
lx$off <- round(0.01 * lx$age, 4)
wcsv(lx, "cox_lung_extra.csv")

# veteran split at 90 and 180 days: counting-process data with a
# time-varying effect of karno (Therneau's vignette, "timedep")
vs <- survSplit(Surv(time, status) ~ ., data = cbind(id = seq_len(nrow(veteran)), veteran),
                cut = c(90, 180), episode = "tgroup")
vs$off <- round(0.001 * vs$age, 4)
wcsv(vs, "cox_veteran_split.csv")

# left-truncated lung: entry at a fraction of the follow-up
lt <- lung[!is.na(lung$ph.ecog), c("time", "status", "age", "sex", "ph.ecog")]
lt$entry <- floor(lt$time * ((seq_len(nrow(lt)) %% 5) / 10))
wcsv(lt, "cox_lung_entry.csv")

# monotone likelihood: x = 1 exactly for the earliest deaths
set.seed(1)
sep <- data.frame(time = 1:30, status = rep(c(1, 1, 0), 10), z = rnorm(30))
sep$x <- as.integer(sep$time <= 10)
sep$time[sep$x == 0] <- sep$time[sep$x == 0] + 100
sep$status[sep$x == 1] <- 1
wcsv(sep, "cox_separation.csv")

# a stratum holding a single subject, and ties everywhere
sm <- data.frame(time = c(1, 2, 2, 3, 3, 3, 4, 5, 5, 6, 7, 8),
                 status = c(1, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0),
                 x = c(0.5, 1.2, -0.3, 0.8, 2.1, -1.0, 0.1, 1.5, 0.4, -0.6, 0.9, 0.2),
                 g = c(1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3))
wcsv(sm, "cox_small.csv")

# --- reference writer ---------------------------------------------------------
num <- function(x) if (length(x) == 0 || is.na(x)) NA else unname(x)

ref <- function(fit, level = 0.95) {
  if (!inherits(fit, "coxph")) class(fit) <- "coxph"   # agexact.fit omits the class
  s <- summary(fit, conf.int = level)
  cf <- s$coefficients
  robust <- !is.null(fit$naive.var)
  coefs <- lapply(seq_len(nrow(cf)), function(i) {
    list(term = rownames(cf)[i],
         coef = num(cf[i, "coef"]),
         # an aliased term: every statistic is null (R prints se 0 and NA)
         se = if (is.na(cf[i, "coef"])) NA else num(cf[i, "se(coef)"]),
         robust_se = if (robust) num(cf[i, "robust se"]) else NA,
         z = num(cf[i, "z"]),
         p = num(cf[i, "Pr(>|z|)"]),
         hr = num(cf[i, "exp(coef)"]),
         hr_lower = num(s$conf.int[i, 3]),
         hr_upper = num(s$conf.int[i, 4]))
  })
  tst <- function(v) list(stat = num(v[1]), df = num(v[2]), p = num(v[3]))
  # summary.coxph rounds the Wald statistic to 2 decimals: use fit$wald.test
  df <- sum(!is.na(coef(fit)))
  wald <- c(fit$wald.test, df, pchisq(fit$wald.test, df, lower.tail = FALSE))
  tests <- list(lr = tst(s$logtest), wald = tst(wald), score = tst(s$sctest))
  if (robust) tests$robust_score <- tst(s$robscore)
  conc <- fit$concordance
  list(n = fit$n, nevent = fit$nevent,
       n_dropped = length(fit$na.action),
       ties = if (fit$method %in% c("efron", "breslow")) fit$method else "exact",
       iterations = fit$iter,
       loglik = list(null = fit$loglik[1], model = fit$loglik[2]),
       coefficients = coefs,
       tests = tests,
       concordance = list(c = num(conc["concordance"]), se = num(conc["std"])))
}

# A small JSON writer: jsonlite caps numbers at 15 significant digits, the
# references need 17 (%.17g round-trips a double).  NA/NaN/Inf -> null.
to_json <- function(x, indent = "") {
  ind2 <- paste0(indent, "  ")
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (!is.null(names(x))) {
      items <- vapply(names(x), function(k) paste0(ind2, '"', k, '": ', to_json(x[[k]], ind2)), "")
      return(paste0("{\n", paste(items, collapse = ",\n"), "\n", indent, "}"))
    }
    items <- vapply(x, function(v) paste0(ind2, to_json(v, ind2)), "")
    return(paste0("[\n", paste(items, collapse = ",\n"), "\n", indent, "]"))
  }
  stopifnot(length(x) == 1)
  if (is.na(x)) return("null")
  if (is.character(x)) return(paste0('"', gsub('"', '\\\\"', x), '"'))
  if (is.logical(x)) return(if (x) "true" else "false")
  if (!is.finite(x)) return("null")
  sprintf("%.17g", as.double(x))
}

cases <- 0
case <- function(name, args, fit, drop = NULL, level = 0.95) {
  r <- tryCatch(ref(fit, level), error = function(e) stop(name, ": ", conditionMessage(e)))
  for (k in drop) r[[k]] <- NULL
  writeLines(paste("cox", args, "--format json"), file.path(out, paste0(name, ".cmd")))
  writeLines(to_json(r), file.path(out, paste0(name, ".json")))
  cases <<- cases + 1
}
dq <- function(f) paste0('--formula "', f, '"')
L <- "--data @DATA@/lung.csv"
V <- "--data @DATA@/veteran.csv"
O <- "--data @DATA@/ovarian.csv"
LX <- "--data @TESTS@/golden/data/cox_lung_extra.csv"
VS <- "--data @TESTS@/golden/data/cox_veteran_split.csv"
LT <- "--data @TESTS@/golden/data/cox_lung_entry.csv"
SM <- "--data @TESTS@/golden/data/cox_small.csv"

# --- lung ---------------------------------------------------------------------
f <- "Surv(time, status) ~ age + sex + ph.ecog"
case("lung_efron", paste(L, dq(f)), coxph(as.formula(f), lung))
case("lung_breslow", paste(L, dq(f), "--ties breslow"), coxph(as.formula(f), lung, ties = "breslow"))
case("lung_exact", paste(L, dq(f), "--ties exact"), coxph(as.formula(f), lung, ties = "exact"))
case("lung_conf90", paste(L, dq(f), "--conf-level 0.9"), coxph(as.formula(f), lung), level = 0.9)
f <- "Surv(time, status) ~ age + factor(ph.ecog)"
case("lung_factor", paste(L, dq(f)), coxph(as.formula(f), lung))
f <- "Surv(time, status) ~ age * sex"
case("lung_interaction", paste(L, dq(f)), coxph(as.formula(f), lung))
f <- "Surv(time, status) ~ age + ph.ecog + strata(sex)"
case("lung_strata_sex", paste(L, dq(f)), coxph(as.formula(f), lung))
case("lung_strata_sex_breslow", paste(L, dq(f), "--ties breslow"), coxph(as.formula(f), lung, ties = "breslow"))
f <- "Surv(time, status) ~ age + sex + strata(inst)"
case("lung_strata_inst", paste(L, dq(f)), coxph(as.formula(f), lung))
f <- "Surv(time, status) ~ age + strata(sex, ph.ecog)"
case("lung_strata_two", paste(L, dq(f)), coxph(as.formula(f), lung))
f <- "Surv(time, status) ~ age + sex + ph.ecog + ph.karno + pat.karno + meal.cal + wt.loss"
case("lung_many", paste(L, dq(f)), coxph(as.formula(f), lung))
f <- "Surv(time, status) ~ log(age) + sex"
case("lung_log", paste(L, dq(f)), coxph(as.formula(f), lung))
f <- "Surv(time, status) ~ age + sex"
case("lung_robust", paste(L, dq(f), "--robust"), coxph(as.formula(f), lung, robust = TRUE))
f <- "Surv(time, status) ~ age + sex + cluster(inst)"
case("lung_cluster", paste(L, dq(f)), coxph(as.formula(f), lung))
f <- "Surv(time, status) ~ age + sex + ph.ecog"
case("lung_weights_int", paste(LX, dq(f), "--weights iw"), coxph(as.formula(f), lx, weights = iw))
case("lung_weights_int_breslow", paste(LX, dq(f), "--weights iw --ties breslow"),
     coxph(as.formula(f), lx, weights = iw, ties = "breslow"))
case("lung_weights_frac", paste(LX, dq(f), "--weights fw"), coxph(as.formula(f), lx, weights = fw))
f <- "Surv(time, status) ~ age + sex + offset(off)"
case("lung_offset", paste(LX, dq(f)), coxph(as.formula(f), lx))
f <- "Surv(time, status) ~ age + sex + age2"
case("lung_collinear", paste(LX, dq(f)), suppressWarnings(coxph(as.formula(f), lx)))
f <- "Surv(time, status) ~ agemo + sex"
case("lung_huge", paste(LX, dq(f)), coxph(as.formula(f), lx))
f <- "Surv(time, status) ~ age + sex + strata(ph.ecog) + cluster(inst)"
case("lung_strata_cluster_w", paste(LX, dq(f), "--weights iw"), coxph(as.formula(f), lx, weights = iw))
f <- "Surv(entry, time, status) ~ age + sex + ph.ecog"
case("lung_entry", paste(LT, dq(f)), coxph(as.formula(f), lt))
case("lung_entry_breslow", paste(LT, dq(f), "--ties breslow"), coxph(as.formula(f), lt, ties = "breslow"))

# --- veteran --------------------------------------------------------------------
f <- "Surv(time, status) ~ trt + celltype + karno + diagtime + age + prior"
case("vet_efron", paste(V, dq(f)), coxph(as.formula(f), veteran))
case("vet_breslow", paste(V, dq(f), "--ties breslow"), coxph(as.formula(f), veteran, ties = "breslow"))
case("vet_exact", paste(V, dq(f), "--ties exact"), coxph(as.formula(f), veteran, ties = "exact"))
f <- "Surv(time, status) ~ trt + karno + strata(celltype)"
case("vet_strata", paste(V, dq(f)), coxph(as.formula(f), veteran))
case("vet_strata_exact", paste(V, dq(f), "--ties exact"), coxph(as.formula(f), veteran, ties = "exact"))
f <- "Surv(time, status) ~ trt * celltype"
case("vet_interaction", paste(V, dq(f)), coxph(as.formula(f), veteran))
f <- "Surv(time, status) ~ trt + karno + age"
case("vet_robust", paste(V, dq(f), "--robust"), coxph(as.formula(f), veteran, robust = TRUE))

# counting process (start, stop]
f <- "Surv(tstart, time, status) ~ trt + karno + age"
case("vet_split", paste(VS, dq(f)), coxph(as.formula(f), vs))
case("vet_split_breslow", paste(VS, dq(f), "--ties breslow"), coxph(as.formula(f), vs, ties = "breslow"))
case("vet_split_exact", paste(VS, dq(f), "--ties exact"), coxph(as.formula(f), vs, ties = "exact"))
f <- "Surv(tstart, time, status) ~ trt + karno + karno:tgroup"
case("vet_split_tvc", paste(VS, dq(f)), coxph(as.formula(f), vs))
f <- "Surv(tstart, time, status) ~ trt + karno + strata(celltype)"
case("vet_split_strata", paste(VS, dq(f)), coxph(as.formula(f), vs))
f <- "Surv(tstart, time, status) ~ trt + karno + age + cluster(id)"
case("vet_split_cluster", paste(VS, dq(f)), coxph(as.formula(f), vs))
f <- "Surv(tstart, time, status) ~ trt + karno + offset(off)"
case("vet_split_offset", paste(VS, dq(f)), coxph(as.formula(f), vs))

# --- ovarian --------------------------------------------------------------------
f <- "Surv(futime, fustat) ~ age + ecog.ps + rx"
case("ov_efron", paste(O, dq(f)), coxph(as.formula(f), ovarian))
case("ov_breslow", paste(O, dq(f), "--ties breslow"), coxph(as.formula(f), ovarian, ties = "breslow"))
case("ov_exact", paste(O, dq(f), "--ties exact"), coxph(as.formula(f), ovarian, ties = "exact"))
f <- "Surv(futime, fustat) ~ age + strata(rx)"
case("ov_strata", paste(O, dq(f)), coxph(as.formula(f), ovarian))
f <- "Surv(futime, fustat) ~ age + rx"
case("ov_robust", paste(O, dq(f), "--robust"), coxph(as.formula(f), ovarian, robust = TRUE))
case("ov_weights", paste(O, dq(f), "--weights resid.ds"), coxph(as.formula(f), ovarian, weights = resid.ds))
f <- "Surv(futime, fustat) ~ age + factor(rx) + factor(ecog.ps)"
case("ov_factor", paste(O, dq(f)), coxph(as.formula(f), ovarian))

# --- small and hard cases ---------------------------------------------------------
f <- "Surv(time, status) ~ x + strata(g)"
case("small_strata_single", paste(SM, dq(f)), coxph(as.formula(f), sm))
case("small_strata_single_exact", paste(SM, dq(f), "--ties exact"), coxph(as.formula(f), sm, ties = "exact"))
f <- "Surv(time, status) ~ x"
case("small_breslow", paste(SM, dq(f), "--ties breslow"), coxph(as.formula(f), sm, ties = "breslow"))
case("small_exact", paste(SM, dq(f), "--ties exact"), coxph(as.formula(f), sm, ties = "exact"))

# monotone likelihood: R stops when the loglik flattens (18 iterations) and
# warns that the coefficient may be infinite; obsurv follows the same path
SP <- "--data @TESTS@/golden/data/cox_separation.csv"
f <- "Surv(time, status) ~ x + z"
case("separation", paste(SP, dq(f)), suppressWarnings(coxph(as.formula(f), sep)))
case("separation_breslow", paste(SP, dq(f), "--ties breslow"),
     suppressWarnings(coxph(as.formula(f), sep, ties = "breslow")))

# --- cox.zph ----------------------------------------------------------------------
zcase <- function(name, args, fit, transform) {
  z <- cox.zph(fit, transform = transform)
  tb <- z$table
  nt <- nrow(tb) - 1
  r <- list(zph = list(transform = transform,
                       table = lapply(seq_len(nt), function(i)
                         list(term = rownames(tb)[i], chisq = tb[i, 1], df = tb[i, 2], p = tb[i, 3])),
                       global = list(chisq = tb[nt + 1, 1], df = tb[nt + 1, 2], p = tb[nt + 1, 3])))
  writeLines(paste("cox", args, "--zph", transform, "--format json"), file.path(out, paste0(name, ".cmd")))
  writeLines(to_json(r), file.path(out, paste0(name, ".json")))
  cases <<- cases + 1
}
f <- "Surv(time, status) ~ age + sex + factor(ph.ecog)"
zcase("zph_lung_km", paste(L, dq(f)), coxph(as.formula(f), lung), "km")
zcase("zph_lung_rank", paste(L, dq(f)), coxph(as.formula(f), lung), "rank")
zcase("zph_lung_identity", paste(L, dq(f)), coxph(as.formula(f), lung), "identity")
zcase("zph_lung_breslow_km", paste(L, dq(f), "--ties breslow"), coxph(as.formula(f), lung, ties = "breslow"), "km")
f <- "Surv(time, status) ~ trt + celltype + karno + age + strata(prior)"
zcase("zph_vet_strata_km", paste(V, dq(f)), coxph(as.formula(f), veteran), "km")
zcase("zph_vet_strata_log", paste(V, dq(f)), coxph(as.formula(f), veteran), "log")
f <- "Surv(tstart, time, status) ~ trt + karno + age"
zcase("zph_vet_split_km", paste(VS, dq(f)), coxph(as.formula(f), vs), "km")
f <- "Surv(time, status) ~ age + sex + ph.ecog"
zcase("zph_lung_weights_km", paste(LX, dq(f), "--weights iw"), coxph(as.formula(f), lx, weights = iw), "km")

# --- residuals ----------------------------------------------------------------------
rcase <- function(name, args, fit, type) {
  r0 <- residuals(fit, type = type)
  r <- list(type = type)
  if (type %in% c("schoenfeld", "scaledsch")) {
    r$time <- lapply(as.numeric(rownames(as.matrix(r0))), identity)
  } else {
    r$row <- lapply(as.integer(names(r0) %||% rownames(r0)), identity)
  }
  m <- as.matrix(r0)
  if (ncol(m) == 1 && type %in% c("martingale", "deviance")) r$values <- lapply(as.vector(m), identity)
  else r$values <- lapply(seq_len(nrow(m)), function(i) lapply(m[i, ], identity))
  for (k in seq_along(r$values)) if (is.list(r$values[[k]])) names(r$values[[k]]) <- NULL
  writeLines(paste("cox", args, "--residuals", type, "--format json"), file.path(out, paste0(name, ".cmd")))
  writeLines(to_json(r), file.path(out, paste0(name, ".json")))
  cases <<- cases + 1
}
`%||%` <- function(a, b) if (is.null(a)) b else a
f <- "Surv(time, status) ~ age + sex + ph.ecog"
fl <- coxph(as.formula(f), lung)
for (ty in c("martingale", "deviance", "score", "schoenfeld", "scaledsch", "dfbeta"))
  rcase(paste0("resid_lung_", ty), paste(L, dq(f)), fl, ty)
fb <- coxph(as.formula(f), lung, ties = "breslow")
rcase("resid_lung_breslow_martingale", paste(L, dq(f), "--ties breslow"), fb, "martingale")
rcase("resid_lung_breslow_score", paste(L, dq(f), "--ties breslow"), fb, "score")
fe <- coxph(as.formula(f), lung, ties = "exact")   # R: Breslow-type martingale residuals
rcase("resid_lung_exact_martingale", paste(L, dq(f), "--ties exact"), fe, "martingale")
rcase("resid_lung_exact_deviance", paste(L, dq(f), "--ties exact"), fe, "deviance")
f <- "Surv(time, status) ~ trt + karno + strata(celltype)"
fv <- coxph(as.formula(f), veteran)
rcase("resid_vet_strata_martingale", paste(V, dq(f)), fv, "martingale")
rcase("resid_vet_strata_schoenfeld", paste(V, dq(f)), fv, "schoenfeld")
f <- "Surv(tstart, time, status) ~ trt + karno + age"
fs <- coxph(as.formula(f), vs)
rcase("resid_vet_split_martingale", paste(VS, dq(f)), fs, "martingale")
rcase("resid_vet_split_dfbeta", paste(VS, dq(f)), fs, "dfbeta")
f <- "Surv(time, status) ~ age + sex"
fw <- coxph(as.formula(f), lx, weights = iw)
rcase("resid_lung_weights_score", paste(LX, dq(f), "--weights iw"), fw, "score")
rcase("resid_lung_weights_dfbeta", paste(LX, dq(f), "--weights iw"), fw, "dfbeta")

# --- predicted survival: survfit(fit, newdata) -----------------------------------
# obsurv's curves are profile-major; without strata columns in newdata each
# profile has a curve in every stratum (R: strata blocks of a surv matrix),
# with them each profile has its own stratum's curve.
pcase <- function(name, args, fit, nd, level = 0.95) {
  ndfile <- paste0("cox_nd_", name, ".csv")
  wcsv(nd, ndfile)
  s <- survfit(fit, newdata = nd, conf.int = level)
  nprof <- nrow(nd)
  surv <- as.matrix(s$surv); se <- as.matrix(s$std.err)
  lo <- as.matrix(s$lower); up <- as.matrix(s$upper); ch <- as.matrix(s$cumhaz)
  curves <- list()
  idx_blocks <- function(lens) split(seq_len(sum(lens)), rep(seq_along(lens), lens))
  mk <- function(ii, col, prof, sname) {
    list(profile = prof, strata = sname,
         time = as.list(s$time[ii]), n_risk = as.list(s$n.risk[ii]),
         n_event = as.list(s$n.event[ii]), n_censor = as.list(s$n.censor[ii]),
         surv = as.list(surv[ii, col]), std_err = as.list(surv[ii, col] * se[ii, col]),
         cumhaz = as.list(ch[ii, col]), std_chaz = as.list(se[ii, col]),
         lower = as.list(lo[ii, col]), upper = as.list(up[ii, col]))
  }
  if (is.null(s$strata)) {
    for (k in seq_len(nprof)) curves[[k]] <- mk(seq_along(s$time), k, k, NA)
  } else if (ncol(surv) == nprof && nprof > 1 || (nprof == 1 && !is.null(fit$strata) && !any(names(fit$xlevels) %in% names(nd)) && length(s$strata) > 1 && is.null(nd[[sub("strata\\((.*)\\)", "\\1", names(fit$xlevels)[1])]]))) {
    blocks <- idx_blocks(s$strata)
    for (k in seq_len(nprof)) for (b in seq_along(blocks))
      curves[[length(curves) + 1]] <- mk(blocks[[b]], k, k, names(s$strata)[b])
  } else {
    blocks <- idx_blocks(s$strata)
    surv <- matrix(s$surv); se <- matrix(s$std.err); lo <- matrix(s$lower); up <- matrix(s$upper)
    ch <- matrix(s$cumhaz)
    sv <- strata_of(fit, nd)
    for (k in seq_len(nprof)) curves[[k]] <- mk(blocks[[k]], 1, k, sv[k])
  }
  r <- list(predict = list(conf_type = "log", conf_level = level, curves = curves))
  writeLines(paste("cox", args, "--predict", paste0("@TESTS@/golden/data/", ndfile), "--format json"),
             file.path(out, paste0(name, ".cmd")))
  writeLines(to_json(r), file.path(out, paste0(name, ".json")))
  cases <<- cases + 1
}
strata_of <- function(fit, nd) as.character(nd$celltype)   # survfit: short labels

f <- "Surv(time, status) ~ age + sex"
nd <- data.frame(age = c(60, 70), sex = c(1, 2))
pcase("predict_lung", paste(L, dq(f)), coxph(as.formula(f), lung), nd)
pcase("predict_lung_breslow", paste(L, dq(f), "--ties breslow"), coxph(as.formula(f), lung, ties = "breslow"), nd)
pcase("predict_lung_weights", paste(LX, dq(f), "--weights iw"), coxph(as.formula(f), lx, weights = iw), nd)
pcase("predict_lung_robust", paste(LX, dq(f), "--weights fw"), coxph(as.formula(f), lx, weights = fw), nd)
f <- "Surv(time, status) ~ age + sex + offset(off)"
pcase("predict_lung_offset", paste(LX, dq(f)), coxph(as.formula(f), lx),
      data.frame(age = c(55, 72), sex = c(2, 1), off = c(0.55, 0.72)))
f <- "Surv(time, status) ~ trt + celltype + karno"
pcase("predict_vet_factor", paste(V, dq(f)), coxph(as.formula(f), veteran),
      data.frame(trt = c(1, 2, 1), celltype = c("adeno", "squamous", "large"), karno = c(50, 70, 90)))
f <- "Surv(time, status) ~ trt + karno + strata(celltype)"
fvs <- coxph(as.formula(f), veteran)
pcase("predict_vet_strata_all", paste(V, dq(f)), fvs, data.frame(trt = c(1, 2), karno = c(60, 80)))
pcase("predict_vet_strata_given", paste(V, dq(f)), fvs,
      data.frame(trt = c(1, 2), karno = c(60, 80), celltype = c("large", "squamous")))
f <- "Surv(tstart, time, status) ~ trt + karno + age"
pcase("predict_vet_split", paste(VS, dq(f)), coxph(as.formula(f), vs),
      data.frame(trt = c(1, 2), karno = c(60, 80), age = c(50, 65)))

cat("wrote", cases, "cases to", out, "\n")
