# tests/r/match.R — references for obsurv match (MatchIt 4.5.1 matchit).
# Run from the repository root:  LC_ALL=C Rscript tests/r/match.R
# Writes tests/golden/match/NAME.cmd + NAME.json, tests/golden/match/TOLERANCE,
# the derived data set tests/golden/data/lung_sex.csv and
# tests/golden/match/weights_NAME.csv (row, weights) for tests/unit/test_match.c.
suppressPackageStartupMessages({library(MatchIt); library(jsonlite)})
stopifnot(packageVersion("MatchIt") == "4.5.1")
out <- "tests/golden/match"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
dir.create("tests/golden/data", showWarnings = FALSE, recursive = TRUE)
writeLines("1e-6", file.path(out, "TOLERANCE"))

lalonde <- read.csv("../shared/data/lalonde.csv")
flal <- treat ~ age + educ + race + married + nodegree + re74 + re75

# lung with sex == 2 (female) as the "treatment", complete rows only for the
# variables used, so that R and obsurv number the same rows.
lung <- read.csv("../shared/data/lung.csv")
lung$female <- as.integer(lung$sex == 2)
lung_sex <- lung[, c("time", "status", "female", "age", "ph.ecog", "ph.karno", "wt.loss")]
write.csv(lung_sex, "tests/golden/data/lung_sex.csv", row.names = FALSE, na = "")
flung <- female ~ age + ph.ecog + ph.karno + wt.loss

num <- function(x) if (is.na(x) || !is.finite(x)) NA else unname(x)

# Balance rows for the design-matrix terms (no intercept), from summary.matchit.
balance <- function(m, data, f) {
  s <- summary(m, standardize = TRUE)
  terms <- colnames(model.matrix(f, data))[-1]
  lapply(terms, function(t) list(
    term = t,
    smd_before = num(s$sum.all[t, "Std. Mean Diff."]),
    smd_after = num(s$sum.matched[t, "Std. Mean Diff."]),
    var_ratio_before = num(s$sum.all[t, "Var. Ratio"]),
    var_ratio_after = num(s$sum.matched[t, "Var. Ratio"])))
}

case <- function(name, args, data, f, datafile, ...) {
  # matchit keeps rows complete in the formula's variables (we drop them first
  # so that its row numbers are the data file's row numbers among kept rows).
  keep <- complete.cases(model.frame(f, data, na.action = na.pass))
  rows <- which(keep)
  d <- data[keep, ]
  m <- matchit(f, data = d, ...)
  mm <- m$match.matrix
  pairs <- list()
  for (k in seq_len(nrow(mm))) {
    ctl <- mm[k, ]
    ctl <- ctl[!is.na(ctl)]
    if (length(ctl) == 0) next
    # match.matrix holds row names of d, which are the data file's row numbers
    pairs[[length(pairs) + 1]] <- list(treated = as.integer(rownames(mm)[k]),
                                       controls = I(as.integer(ctl)))
  }
  w <- m$weights
  ref <- list(
    n_treated = sum(d[[all.vars(f)[1]]] == 1),
    n_control = sum(d[[all.vars(f)[1]]] == 0),
    n_treated_matched = sum(w > 0 & d[[all.vars(f)[1]]] == 1),
    n_control_matched = sum(w > 0 & d[[all.vars(f)[1]]] == 0),
    pairs = pairs,
    balance = balance(m, d, f))
  writeLines(toJSON(ref, auto_unbox = TRUE, digits = NA, null = "null", na = "null"),
             file.path(out, paste0(name, ".json")))
  writeLines(sprintf('match --data %s --formula "%s" --format json %s', datafile,
                     paste(deparse(f), collapse = ""), args),
             file.path(out, paste0(name, ".cmd")))
  write.csv(data.frame(row = rows, weights = unname(w),
                       subclass = if (is.null(m$subclass)) NA else as.integer(as.character(m$subclass))),
            file.path(out, paste0("weights_", name, ".csv")), row.names = FALSE)
  invisible(m)
}

L <- "@DATA@/lalonde.csv"
case("lalonde_default", "", lalonde, flal, L)
case("lalonde_ratio2", "--ratio 2", lalonde, flal, L, ratio = 2)
case("lalonde_ratio3", "--ratio 3", lalonde, flal, L, ratio = 3)
case("lalonde_replace", "--replace", lalonde, flal, L, replace = TRUE)
case("lalonde_ratio2_replace", "--ratio 2 --replace", lalonde, flal, L, ratio = 2, replace = TRUE)
case("lalonde_caliper01", "--caliper 0.1", lalonde, flal, L, caliper = 0.1)
case("lalonde_caliper005_ratio2", "--caliper 0.05 --ratio 2", lalonde, flal, L, caliper = 0.05, ratio = 2)
case("lalonde_logit", "--distance logit", lalonde, flal, L, distance = "glm", link = "linear.logit")
case("lalonde_logit_caliper", "--distance logit --caliper 0.2", lalonde, flal, L,
     distance = "glm", link = "linear.logit", caliper = 0.2)
case("lalonde_smallest", "--order smallest", lalonde, flal, L, m.order = "smallest")
case("lalonde_data", "--order data", lalonde, flal, L, m.order = "data")
case("lalonde_exact_married", "--exact married", lalonde, flal, L, exact = ~married)
case("lalonde_exact_race_nodegree", "--exact race,nodegree", lalonde, flal, L, exact = ~race + nodegree)
case("lalonde_discard_both", "--discard both", lalonde, flal, L, discard = "both")
case("lalonde_discard_control_caliper", "--discard control --caliper 0.2", lalonde, flal, L,
     discard = "control", caliper = 0.2)
case("lalonde_discard_treated", "--discard treated --ratio 2", lalonde, flal, L, discard = "treated", ratio = 2)
G <- "@TESTS@/golden/data/lung_sex.csv"
case("lung_default", "", lung_sex, flung, G)
case("lung_ratio2_caliper", "--ratio 2 --caliper 0.3", lung_sex, flung, G, ratio = 2, caliper = 0.3)
case("lung_smallest_logit", "--order smallest --distance logit", lung_sex, flung, G,
     m.order = "smallest", distance = "glm", link = "linear.logit")

# ---- obsurv weight: IPTW weights (formulas of obsurv/weight.h, computed here
# from R's glm) and their balance by MatchIt's own bal1var (summary.matchit's
# per-covariate routine: ATT s.d.denom = "treated", ATE "pooled").
weight_case <- function(name, args, data, f, datafile, estimand = "ATE", stabilize = FALSE,
                        trim = NULL, truncate = NULL) {
  g <- glm(f, data = data, family = binomial)
  d <- data[as.integer(names(fitted(g))), ]
  e <- unname(fitted(g)); tr <- g$y; n <- length(e)
  w <- if (estimand == "ATE") ifelse(tr == 1, 1 / e, 1 / (1 - e)) else ifelse(tr == 1, 1, e / (1 - e))
  if (stabilize) {
    p1 <- mean(tr)
    w <- if (estimand == "ATE") w * ifelse(tr == 1, p1, 1 - p1) else ifelse(tr == 1, w, w * (1 - p1) / p1)
  }
  ntrim <- 0; ntrunc <- 0
  if (!is.null(trim)) {
    q <- quantile(e, trim, type = 7, names = FALSE)
    drop <- e < q[1] | e > q[2]; w[drop] <- 0; ntrim <- sum(drop)
  }
  if (!is.null(truncate)) {
    q <- quantile(w, truncate, type = 7, names = FALSE)
    lo <- w > 0 & w < q[1]; hi <- w > 0 & w > q[2]
    w[lo] <- q[1]; w[hi] <- q[2]; ntrunc <- sum(lo) + sum(hi)
  }
  X <- model.matrix(f, d)[, -1, drop = FALSE]
  denom <- if (estimand == "ATE") "pooled" else "treated"
  bal <- lapply(colnames(X), function(t) {
    b0 <- MatchIt:::bal1var(X[, t], tr, NULL, s.weights = rep(1, n), s.d.denom = denom,
                            standardize = TRUE, compute.pair.dist = FALSE)
    b1 <- MatchIt:::bal1var(X[, t], tr, w, s.weights = rep(1, n), s.d.denom = denom,
                            standardize = TRUE, compute.pair.dist = FALSE)
    list(term = t, mean_treated_before = num(b0[1]), mean_control_before = num(b0[2]),
         smd_before = num(b0[3]), var_ratio_before = num(b0[4]),
         mean_treated_after = num(b1[1]), mean_control_after = num(b1[2]),
         smd_after = num(b1[3]), var_ratio_after = num(b1[4]))
  })
  gs <- function(k) { x <- w[tr == k]; list(n = length(x), min = min(x), max = max(x), mean = mean(x),
                                            sum = sum(x), ess = sum(x)^2 / sum(x^2)) }
  ref <- list(estimand = estimand, n = n, n_trimmed = ntrim, n_truncated = ntrunc,
              weights = list(treated = gs(1), control = gs(0)), balance = bal)
  writeLines(toJSON(ref, auto_unbox = TRUE, digits = NA, null = "null", na = "null"),
             file.path(out, paste0(name, ".json")))
  writeLines(sprintf('weight --data %s --formula "%s" --format json %s', datafile,
                     paste(deparse(f), collapse = ""), args),
             file.path(out, paste0(name, ".cmd")))
}
weight_case("weight_ate", "", lalonde, flal, L)
weight_case("weight_att_stabilized", "--estimand att --stabilize", lalonde, flal, L,
            estimand = "ATT", stabilize = TRUE)
weight_case("weight_ate_stabilized_trim", "--stabilize --trim 0.05,0.95", lalonde, flal, L,
            stabilize = TRUE, trim = c(0.05, 0.95))
weight_case("weight_ate_truncate", "--truncate 0.01,0.99", lalonde, flal, L, truncate = c(0.01, 0.99))
weight_case("weight_lung_att", "--estimand att", lung_sex, flung, G, estimand = "ATT")

# ---- optimal matching: the minimum total |distance| from an exact LP
# (lpSolve's transportation solver), against obsurv's GLPK min-cost flow.
# Slow (minutes); skipped when lpSolve is missing or OBSURV_SKIP_LP is set.
if (requireNamespace("lpSolve", quietly = TRUE) && Sys.getenv("OBSURV_SKIP_LP") == "") {
  optimal_case <- function(name, args, data, f, datafile, K = 1, logit = FALSE) {
    g <- glm(f, data = data, family = binomial)
    s <- if (logit) predict(g) else fitted(g)
    t <- which(g$y == 1); c <- which(g$y == 0)
    cost <- abs(outer(s[t], s[c], "-"))
    F <- min(K * length(t), length(c))
    stopifnot(F == K * length(t))   # enough controls: every treated gets K
    sol <- lpSolve::lp.transport(cost, "min", rep("=", length(t)), rep(K, length(t)),
                                 rep("<=", length(c)), rep(1, length(c)))
    ref <- list(method = "optimal", ratio = K, n_treated_matched = length(t),
                n_control_matched = F, total_distance = sol$objval)
    writeLines(toJSON(ref, auto_unbox = TRUE, digits = NA), file.path(out, paste0(name, ".json")))
    writeLines(sprintf('match --data %s --formula "%s" --format json --method optimal %s', datafile,
                       paste(deparse(f), collapse = ""), args),
               file.path(out, paste0(name, ".cmd")))
  }
  lung_cc <- lung_sex[complete.cases(lung_sex[, all.vars(flung)]), ]
  optimal_case("optimal_lung", "", lung_cc, flung, G)
  optimal_case("optimal_lung_logit", "--distance logit", lung_cc, flung, G, logit = TRUE)
  optimal_case("optimal_lalonde", "", lalonde, flal, L)
  optimal_case("optimal_lalonde_ratio2", "--ratio 2", lalonde, flal, L, K = 2)
}
