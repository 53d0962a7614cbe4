# km.R — golden references for `obsurv km` (R survfit), written to
# tests/golden/km/NAME.cmd + NAME.json, and derived data to tests/golden/data/.
#
#   LC_ALL=C Rscript tests/r/km.R        (from the repository root)
#
# R 4.2.2, survival 3.5-3.  The data are read from the same CSV files obsurv
# reads (read.csv, factor levels in C-locale order), so both see the same
# doubles.  Reference numbers:
#   time, n_risk, n_event, n_censor, surv   survfit()
#   std_err          summary.survfit's std.err (SE of S: std.err * surv when
#                    the fit's std.err is on the log scale)
#   lower, upper     survfit(conf.type =, conf.int =)
#   n, events, median, median_lower, median_upper
#                    fit$n and summary(fit)$table (print.survfit's numbers)
#   at               summary(fit, times = , extend = TRUE)
#   n_dropped        rows removed by na.omit
# Numbers are written with 17 significant digits (jsonlite stops at 15);
# NA, NaN and Inf as null.  logrank.R sources this file for the helpers.

suppressMessages({library(survival); library(jsonlite)})

# ---- JSON with full precision ------------------------------------------------
# A named list is an object, an unnamed list an array; a vector wrapped in
# I() is always an array, otherwise a length-1 vector is a scalar.
golden_json <- function(x) {
  if (is.null(x)) return("null")
  if (is.list(x) && !inherits(x, "AsIs")) {
    if (!is.null(names(x))) {
      parts <- vapply(names(x), function(k)
        paste0(toJSON(k, auto_unbox = TRUE), ":", golden_json(x[[k]])), "")
      return(paste0("{", paste(parts, collapse = ","), "}"))
    }
    return(paste0("[", paste(vapply(x, golden_json, ""), collapse = ","), "]"))
  }
  as_array <- inherits(x, "AsIs") || length(x) != 1
  x <- unclass(x)
  one <- function(v) {
    if (is.character(v)) {
      if (is.na(v)) "null" else as.character(toJSON(v, auto_unbox = TRUE))
    } else if (is.logical(v)) {
      if (is.na(v)) "null" else if (v) "true" else "false"
    } else {
      if (!is.finite(v)) "null" else sprintf("%.17g", as.double(v))
    }
  }
  vals <- vapply(seq_along(x), function(i) one(x[[i]]), "")
  if (as_array) paste0("[", paste(vals, collapse = ","), "]") else vals
}

write_golden <- function(dir, name, args, ref) {
  dir.create(dir, showWarnings = FALSE, recursive = TRUE)
  writeLines(args, file.path(dir, paste0(name, ".cmd")))
  txt <- golden_json(ref)
  invisible(fromJSON(txt))          # must parse
  writeLines(txt, file.path(dir, paste0(name, ".json")))
}

# Words of a .cmd line, quoted for the shell where needed.
shell_args <- function(...) {
  w <- c(...)
  q <- ifelse(grepl("^[A-Za-z0-9_@./,=:-]+$", w), w, paste0('"', w, '"'))
  paste(q, collapse = " ")
}

# @DATA@/x.csv -> ../shared/data/x.csv ; @TESTS@/... -> tests/...
local_path <- function(p) sub("^@TESTS@", "tests", sub("^@DATA@", "../shared/data", p))
read_data <- function(p) read.csv(local_path(p), stringsAsFactors = TRUE)

# ---- one km case ---------------------------------------------------------------
km_case <- function(name, data, formula, conf_type = NULL, conf_level = NULL,
                    times = NULL, weights = NULL) {
  d <- read_data(data)
  ct <- if (is.null(conf_type)) "log" else conf_type
  cl <- if (is.null(conf_level)) 0.95 else conf_level
  fml <- as.formula(formula)
  fit <- if (is.null(weights)) {
    survfit(fml, data = d, conf.type = ct, conf.int = cl)
  } else {
    d$.w <- d[[weights]]
    survfit(fml, data = d, conf.type = ct, conf.int = cl, weights = .w)
  }
  tab <- summary(fit)$table
  if (is.null(dim(tab))) tab <- matrix(tab, nrow = 1, dimnames = list(NULL, names(tab)))
  nstrata <- if (is.null(fit$strata)) 1 else length(fit$strata)
  snames <- if (is.null(fit$strata)) "all" else names(fit$strata)
  logse <- is.null(fit$logse) || fit$logse
  strata <- vector("list", nstrata)
  for (i in seq_len(nstrata)) {
    f1 <- if (nstrata == 1) fit else fit[i]
    se <- if (logse) f1$std.err * f1$surv else f1$std.err
    s <- list(name = snames[i], n = fit$n[i], events = unname(tab[i, "events"]),
              median = unname(tab[i, "median"]),
              median_lower = unname(tab[i, paste0(cl, "LCL")]),
              median_upper = unname(tab[i, paste0(cl, "UCL")]),
              time = I(f1$time), n_risk = I(f1$n.risk), n_event = I(f1$n.event),
              n_censor = I(f1$n.censor), surv = I(f1$surv), std_err = I(se),
              lower = I(f1$lower), upper = I(f1$upper))
    if (!is.null(times)) {
      sm <- summary(f1, times = times, extend = TRUE)
      s$at <- lapply(seq_along(sm$time), function(k)
        list(time = sm$time[k], surv = sm$surv[k], std_err = sm$std.err[k],
             lower = sm$lower[k], upper = sm$upper[k], n_risk = sm$n.risk[k],
             n_event = sm$n.event[k], n_censor = sm$n.censor[k]))
    }
    strata[[i]] <- s
  }
  ref <- list(conf_type = ct, conf_level = cl,
              n_dropped = length(fit$na.action),
              strata = strata)
  args <- c("km", "--data", data, "--formula", formula)
  if (!is.null(conf_type)) args <- c(args, "--conf-type", conf_type)
  if (!is.null(conf_level)) args <- c(args, "--conf-level", as.character(conf_level))
  if (!is.null(times)) args <- c(args, "--times", paste(as.character(times), collapse = ","))
  if (!is.null(weights)) args <- c(args, "--weights", weights)
  args <- c(args, "--format", "json")
  write_golden("tests/golden/km", name, do.call(shell_args, as.list(args)), ref)
  invisible(fit)
}

km_main <- function() {
  dir.create("tests/golden/km", showWarnings = FALSE, recursive = TRUE)
  writeLines("1e-8", "tests/golden/km/TOLERANCE")

  # Derived data.  Weights: frac = age/50 (non-integer: R's robust SE),
  # int = 1 + time %% 3 (integer: Greenwood with weighted counts).
  lung <- read.csv("../shared/data/lung.csv")
  lung$w_frac <- lung$age / 50
  lung$w_int <- 1 + lung$time %% 3
  write.csv(lung, "tests/golden/data/km_lung_weights.csv", row.names = FALSE, na = "")
  # The median rule when S sits exactly at 0.5: curve a is 0.5 from t = 2
  # to the drop at t = 4 (median 3, the midpoint); curve b stays at 0.5 to
  # its end (print.survfit takes the first time, 20).
  flat <- data.frame(time = c(1, 2, 3, 4, 10, 20, 30, 40),
                     status = c(1, 1, 0, 1, 1, 1, 0, 0),
                     arm = rep(c("a", "b"), each = 4))
  write.csv(flat, "tests/golden/data/km_flat.csv", row.names = FALSE)

  L <- "@DATA@/lung.csv"; V <- "@DATA@/veteran.csv"; O <- "@DATA@/ovarian.csv"
  W <- "@TESTS@/golden/data/km_lung_weights.csv"
  S <- "Surv(time, status)"
  km_case("lung_all", L, paste(S, "~ 1"))
  km_case("lung_sex", L, paste(S, "~ sex"))
  km_case("lung_sex_loglog", L, paste(S, "~ sex"), conf_type = "log-log")
  km_case("lung_sex_plain", L, paste(S, "~ sex"), conf_type = "plain")
  km_case("lung_sex_level90", L, paste(S, "~ sex"), conf_level = 0.9)
  km_case("lung_ecog_dropped", L, paste(S, "~ ph.ecog"))
  km_case("lung_sex_ecog", L, paste(S, "~ sex + ph.ecog"))
  km_case("lung_factor_ecog", L, paste(S, "~ factor(ph.ecog)"))
  km_case("lung_sex_times", L, paste(S, "~ sex"), times = c(-5, 0, 5, 100, 365, 730, 1000, 1022, 2000))
  km_case("lung_all_loglog_times", L, paste(S, "~ 1"), conf_type = "log-log", times = c(1, 5, 180, 1100))
  km_case("lung_weights_frac", W, paste(S, "~ sex"), weights = "w_frac")
  km_case("lung_weights_frac_plain", W, paste(S, "~ 1"), conf_type = "plain", weights = "w_frac")
  km_case("lung_weights_frac_loglog_times", W, paste(S, "~ sex"), conf_type = "log-log",
          times = c(0, 200, 500, 1500), weights = "w_frac")
  km_case("lung_weights_int", W, paste(S, "~ sex"), weights = "w_int")
  km_case("lung_weights_mealcal_dropped", L, paste(S, "~ sex"), weights = "meal.cal")
  km_case("veteran_all", V, paste(S, "~ 1"))
  km_case("veteran_celltype", V, paste(S, "~ celltype"))
  km_case("veteran_trt_celltype", V, paste(S, "~ trt + celltype"))
  km_case("veteran_celltype_plain_90", V, paste(S, "~ celltype"), conf_type = "plain", conf_level = 0.9)
  km_case("veteran_trt_loglog", V, paste(S, "~ trt"), conf_type = "log-log")
  km_case("veteran_trt_times", V, paste(S, "~ trt"), times = c(0, 30, 90, 180, 365, 999, 1000))
  km_case("ovarian_all", O, "Surv(futime, fustat) ~ 1")
  km_case("ovarian_rx", O, "Surv(futime, fustat) ~ rx")
  km_case("ovarian_rx_resid", O, "Surv(futime, fustat) ~ rx + resid.ds")
  km_case("ovarian_rx_plain", O, "Surv(futime, fustat) ~ rx", conf_type = "plain")
  km_case("ovarian_rx_loglog_90", O, "Surv(futime, fustat) ~ rx", conf_type = "log-log", conf_level = 0.9)
  km_case("ovarian_times", O, "Surv(futime, fustat) ~ 1", times = c(0, 59, 100, 500, 1200, 2000))
  km_case("ovarian_weights_age", O, "Surv(futime, fustat) ~ rx", weights = "age")
  km_case("flat_median", "@TESTS@/golden/data/km_flat.csv", paste(S, "~ arm"))
}

if (!exists("km_helpers_only")) km_main()
