# logrank.R — golden references for `obsurv logrank` (R survdiff), written to
# tests/golden/logrank/NAME.cmd + NAME.json.
#
#   LC_ALL=C Rscript tests/r/logrank.R        (from the repository root)
#
# R 4.2.2, survival 3.5-3.  Reference numbers: chisq, pvalue (as p), df
# (groups with expected > 0, less one, as print.survdiff), rho, n per group
# (table(groups)), observed and expected per group (summed over strata), the
# variance matrix var, and n_dropped (na.omit).  The JSON helpers come from
# tests/r/km.R.

km_helpers_only <- TRUE
source("tests/r/km.R")

logrank_case <- function(name, data, formula, rho = NULL) {
  d <- read_data(data)
  r <- if (is.null(rho)) 0 else rho
  sd <- survdiff(as.formula(formula), data = d, rho = r)
  otmp <- if (is.matrix(sd$obs)) rowSums(sd$obs) else sd$obs
  etmp <- if (is.matrix(sd$exp)) rowSums(sd$exp) else sd$exp
  groups <- lapply(seq_along(sd$n), function(k)
    list(name = names(sd$n)[k], n = as.integer(sd$n[k]),
         observed = otmp[k], expected = etmp[k]))
  ref <- list(chisq = sd$chisq, df = sum(etmp > 0) - 1, p = sd$pvalue, rho = r,
              n = sum(sd$n), n_dropped = length(sd$na.action),
              groups = groups,
              var = lapply(seq_len(nrow(sd$var)), function(k) I(sd$var[k, ])))
  args <- c("logrank", "--data", data, "--formula", formula)
  if (!is.null(rho)) args <- c(args, "--rho", as.character(rho))
  args <- c(args, "--format", "json")
  write_golden("tests/golden/logrank", name, do.call(shell_args, as.list(args)), ref)
}

logrank_main <- function() {
  dir.create("tests/golden/logrank", showWarnings = FALSE, recursive = TRUE)
  writeLines("1e-8", "tests/golden/logrank/TOLERANCE")
  L <- "@DATA@/lung.csv"; V <- "@DATA@/veteran.csv"; O <- "@DATA@/ovarian.csv"
  S <- "Surv(time, status)"; SO <- "Surv(futime, fustat)"
  logrank_case("lung_sex", L, paste(S, "~ sex"))
  logrank_case("lung_sex_rho1", L, paste(S, "~ sex"), rho = 1)
  logrank_case("lung_ecog_dropped", L, paste(S, "~ ph.ecog"))
  logrank_case("lung_factor_ecog_rho1", L, paste(S, "~ factor(ph.ecog)"), rho = 1)
  logrank_case("lung_sex_ecog", L, paste(S, "~ sex + ph.ecog"))
  logrank_case("lung_sex_strata_ecog", L, paste(S, "~ sex + strata(ph.ecog)"))
  logrank_case("lung_sex_strata_ecog_rho1", L, paste(S, "~ sex + strata(ph.ecog)"), rho = 1)
  logrank_case("lung_sex_strata_inst", L, paste(S, "~ sex + strata(inst)"))
  logrank_case("veteran_trt", V, paste(S, "~ trt"))
  logrank_case("veteran_trt_rho05", V, paste(S, "~ trt"), rho = 0.5)
  logrank_case("veteran_celltype", V, paste(S, "~ celltype"))
  logrank_case("veteran_celltype_rho1", V, paste(S, "~ celltype"), rho = 1)
  logrank_case("veteran_trt_strata_celltype", V, paste(S, "~ trt + strata(celltype)"))
  logrank_case("veteran_trt_prior", V, paste(S, "~ trt + prior"))
  logrank_case("ovarian_rx", O, paste(SO, "~ rx"))
  logrank_case("ovarian_rx_rho1", O, paste(SO, "~ rx"), rho = 1)
  logrank_case("ovarian_rx_strata_resid", O, paste(SO, "~ rx + strata(resid.ds)"))
  logrank_case("ovarian_rx_strata_two", O, paste(SO, "~ rx + strata(resid.ds, ecog.ps)"))
}

logrank_main()
