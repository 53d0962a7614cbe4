# tests/r/frame.R — references for the model frame (src/frame*.c).
#
# Run from the repository root:  LC_ALL=C Rscript tests/r/frame.R
# Writes tests/golden/frame/*.tsv, read by tests/unit/test_frame.c (these are
# not CLI golden cases: no .cmd files).
#
# Each case file is tab-separated, one record per line:
#   data     lung|veteran|lalonde        (../shared/data/NAME.csv, read.csv)
#   mode     cox|glm|km|logrank
#   formula  the formula as obsurv gets it
#   n        rows used
#   dropped  COLUMN COUNT               (rows dropped, counted against the first
#                                        missing column in the order obsurv uses)
#   colnames NAME...                     (cox/glm: colnames(model.matrix(fit)))
#   groups   NAME...                     (km/logrank: names(survfit(...)$strata))
#   strata   NAME...                     (names of strata() strata as coxph makes them)
#   row      ROW Y VALUES...             (cox/glm: 1-based data row, status / y,
#                                        the design row; km: ROW STATUS GROUP [STRATUM],
#                                        1-based indices into groups / strata;
#                                        cox with cluster(): ROW STATUS CLUSTER VALUES)
# numbers.tsv: VALUE<TAB>as.character(VALUE) for factor(x) level names.
suppressPackageStartupMessages(library(survival))
dir.create("tests/golden/frame", showWarnings = FALSE, recursive = TRUE)
rd <- function(name) read.csv(file.path("..", "shared", "data", paste0(name, ".csv")))
datasets <- list(lung = rd("lung"), veteran = rd("veteran"), lalonde = rd("lalonde"))
num <- function(x) sprintf("%.17g", x)

# Rows dropped per column: each incomplete row counts against the first of
# cols (obsurv's order: response, term variables, strata, cluster) missing.
dropped_by <- function(d, cols) {
    left <- rep(TRUE, nrow(d))
    out <- character(0)
    for (v in cols) {
        miss <- left & is.na(d[[v]])
        if (sum(miss) > 0) out <- c(out, paste("dropped", v, sum(miss), sep = "\t"))
        left <- left & !miss
    }
    out
}

write_case <- function(name, data, mode, formula, cols) {
    d <- datasets[[data]]
    f <- as.formula(formula)
    lines <- c(paste("data", data, sep = "\t"), paste("mode", mode, sep = "\t"),
               paste("formula", formula, sep = "\t"))
    if (mode == "cox") {
        fit <- suppressWarnings(coxph(f, d))
        mm <- model.matrix(fit)
        rows <- as.integer(rownames(mm))
        lines <- c(lines, paste("n", nrow(mm), sep = "\t"), dropped_by(d, cols),
                   paste(c("colnames", colnames(mm)), collapse = "\t"))
        mf <- model.frame(fit)
        sv <- grep("^strata\\(", names(mf))
        if (length(sv)) {
            st <- strata(mf[sv], shortlabel = TRUE)    # as coxph builds istrat
            lines <- c(lines, paste(c("strata", levels(st)), collapse = "\t"))
            # survfit(fit) names its curves by these strata
            stopifnot(identical(names(survfit(fit)$strata), levels(st)))
        }
        cv <- grep("^cluster\\(|^\\(cluster\\)$", names(mf))
        for (i in seq_along(rows)) {
            extra <- fit$y[i, "status"]
            if (length(sv)) extra <- c(extra, as.integer(st[i]))
            if (length(cv)) extra <- c(extra, as.integer(factor(mf[[cv]]))[i])
            lines <- c(lines, paste(c("row", rows[i], extra, num(mm[i, ])), collapse = "\t"))
        }
    } else if (mode == "glm") {
        fit <- suppressWarnings(glm(f, binomial, d))
        mm <- model.matrix(fit)
        rows <- as.integer(rownames(mm))
        lines <- c(lines, paste("n", nrow(mm), sep = "\t"), dropped_by(d, cols),
                   paste(c("colnames", colnames(mm)), collapse = "\t"))
        for (i in seq_along(rows))
            lines <- c(lines, paste(c("row", rows[i], fit$y[i], num(mm[i, ])), collapse = "\t"))
    } else {
        # km: survfit's groups; logrank: survdiff's groups and strata
        fit <- survfit(f, d)
        tt <- terms(f, specials = "strata")
        mf <- model.frame(f, d)
        rows <- as.integer(rownames(mf))
        ll <- attr(tt, "term.labels")
        sl <- grep("^strata\\(", ll)
        glab <- ll[-sl]
        if (length(sl) == 0) glab <- ll
        if (length(glab)) {
            g <- strata(mf[glab])                       # as survfit.formula / survdiff
            if (length(sl) == 0) stopifnot(identical(names(fit$strata), levels(g)))
            gnames <- levels(g)
        } else {
            g <- factor(rep("all", nrow(mf)))
            gnames <- "all"
        }
        lines <- c(lines, paste("n", nrow(mf), sep = "\t"), dropped_by(d, cols),
                   paste(c("groups", gnames), collapse = "\t"))
        st <- NULL
        if (length(sl)) {
            st <- strata(mf[grep("^strata\\(", names(mf))], shortlabel = TRUE)
            lines <- c(lines, paste(c("strata", levels(st)), collapse = "\t"))
            sd <- survdiff(f, d)
            stopifnot(identical(names(sd$n), gnames))
        }
        y <- mf[[1]]
        for (i in seq_along(rows))
            lines <- c(lines, paste(c("row", rows[i], y[i, "status"], as.integer(g[i]),
                                      if (!is.null(st)) as.integer(st[i])), collapse = "\t"))
    }
    writeLines(lines, file.path("tests/golden/frame", paste0(name, ".tsv")))
}

S <- c("time", "status")
write_case("cox_numeric", "lung", "cox", "Surv(time, status) ~ age + sex", c(S, "age", "sex"))
write_case("cox_factor", "lung", "cox", "Surv(time, status) ~ age + factor(ph.ecog)",
           c(S, "age", "ph.ecog"))
write_case("cox_star", "lung", "cox", "Surv(time, status) ~ factor(sex)*age", c(S, "sex", "age"))
write_case("cox_num_by_factor", "lung", "cox", "Surv(time, status) ~ age:factor(sex)",
           c(S, "age", "sex"))
write_case("cox_factor_by_factor", "lung", "cox",
           "Surv(time, status) ~ factor(ph.ecog):factor(sex)", c(S, "ph.ecog", "sex"))
write_case("cox_marginality", "lung", "cox",
           "Surv(time, status) ~ factor(sex) + factor(sex):factor(ph.ecog)",
           c(S, "sex", "ph.ecog"))
write_case("cox_missing", "lung", "cox",
           "Surv(time, status) ~ log(age) + ph.karno + wt.loss + meal.cal",
           c(S, "age", "ph.karno", "wt.loss", "meal.cal"))
write_case("cox_strata", "lung", "cox", "Surv(time, status) ~ age + strata(sex)",
           c(S, "age", "sex"))
write_case("cox_strata2", "lung", "cox", "Surv(time, status) ~ age + strata(sex, ph.karno)",
           c(S, "age", "sex", "ph.karno"))
write_case("cox_num_by_num", "lung", "cox", "Surv(time, status) ~ pat.karno*meal.cal",
           c(S, "pat.karno", "meal.cal"))
write_case("cox_cluster", "lung", "cox", "Surv(time, status) ~ age + cluster(inst)",
           c(S, "age", "inst"))
# factor(inst): inst 33 occurs only in rows where meal.cal is missing; coxph
# keeps the level (an all-zero column, coefficient NA)
write_case("cox_unused_level", "lung", "cox", "Surv(time, status) ~ factor(inst) + meal.cal",
           c(S, "inst", "meal.cal"))
write_case("vet_celltype", "veteran", "cox", "Surv(time, status) ~ celltype + karno + trt",
           c(S, "celltype", "karno", "trt"))
write_case("vet_star", "veteran", "cox", "Surv(time, status) ~ celltype*karno",
           c(S, "celltype", "karno"))
write_case("vet_strata_text", "veteran", "cox", "Surv(time, status) ~ karno + strata(celltype)",
           c(S, "karno", "celltype"))
write_case("vet_factor_by_text", "veteran", "cox", "Surv(time, status) ~ factor(prior):celltype",
           c(S, "prior", "celltype"))
write_case("vet_two_strata", "veteran", "cox",
           "Surv(time, status) ~ karno + strata(trt) + strata(prior)",
           c(S, "karno", "trt", "prior"))
write_case("glm_lalonde", "lalonde", "glm",
           "treat ~ age + educ + race + married + nodegree + re74 + re75",
           c("treat", "age", "educ", "race", "married", "nodegree", "re74", "re75"))
write_case("glm_star", "lalonde", "glm", "treat ~ race*age + factor(married)",
           c("treat", "race", "age", "married"))
write_case("glm_log", "lalonde", "glm", "treat ~ log(age) + race:nodegree",
           c("treat", "age", "race", "nodegree"))
write_case("km_sex", "lung", "km", "Surv(time, status) ~ sex", c(S, "sex"))
write_case("km_two", "lung", "km", "Surv(time, status) ~ sex + ph.ecog", c(S, "sex", "ph.ecog"))
write_case("km_factor", "lung", "km", "Surv(time, status) ~ factor(ph.ecog) + sex",
           c(S, "ph.ecog", "sex"))
write_case("km_all", "lung", "km", "Surv(time, status) ~ 1", S)
write_case("km_padded", "veteran", "km", "Surv(time, status) ~ trt + celltype",
           c(S, "trt", "celltype"))
write_case("km_padded_num", "lung", "km", "Surv(time, status) ~ sex + ph.karno",
           c(S, "sex", "ph.karno"))
write_case("logrank_strata", "lung", "logrank", "Surv(time, status) ~ sex + strata(ph.ecog)",
           c(S, "sex", "ph.ecog"))

x <- c(1e5, 123456, 1e15, 1e-4, 0.00012, 0.1 + 0.2, 1/3, 2/3 * 1e10, -1.5, 1e-300,
       123456789012345678, 0.000012345, 100, 1e16, 3e6, 2.5, 0, -0.001, 1e300, 5e-324,
       1234567.1, 0.1, 99999, 999999999999999, 9999999999999999, log(74), exp(1), -1e5)
writeLines(paste(num(x), as.character(x), sep = "\t"), "tests/golden/frame/numbers.tsv")
