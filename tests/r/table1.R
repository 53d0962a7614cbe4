# tests/r/table1.R — reference numbers for `obsurv table1` (tests/golden/table1/).
#
# Run from the repository root:  LC_ALL=C Rscript tests/r/table1.R
#
# R tableone is NOT installed here, so this script rebuilds what
# CreateTableOne + print(nonnormal =, exact =, smd = TRUE) reports from base R
# and tableone's published formulas (tableone R/CreateContTable.R,
# R/CreateCatTable.R, R/modules-smd.R; Yang & Dalton 2012):
#   continuous   mean, sd, median, quantile(type 7) per group, missing counts;
#                p = oneway.test(x ~ g, var.equal = TRUE) or kruskal.test(x ~ g);
#                SMD = |m1 - m2| / sqrt((v1 + v2) / 2), mean over pairs of groups.
#   categorical  counts of factor(x) by group, percent of the non-missing;
#                p = chisq.test(xtabs(~ x + g)) (correct = TRUE: Yates on 2 x 2)
#                or fisher.test(...); NA when x has a single level;
#                SMD = sqrt(d' ginv(S) d) over the level proportions without
#                the first level, S = (S1 + S2) / 2, S_g = diag(p) - p p'.
# Rows with a missing grouping value are left out everywhere (including the
# overall column, which is the union of the groups).
suppressPackageStartupMessages({ library(jsonlite); library(MASS) })

data_dir <- "../shared/data"
out_dir <- "tests/golden/table1"
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
writeLines("1e-6", file.path(out_dir, "TOLERANCE"))

smd_cont <- function(a, b) {
  d <- mean(a) - mean(b); v <- (var(a) + var(b)) / 2
  if (d == 0 && v == 0) 0 else abs(d / sqrt(v))
}
smd_cat <- function(p, q) {       # p, q: proportions of levels 2..L (all if L == 1)
  S <- (diag(p, length(p)) - outer(p, p) + diag(q, length(q)) - outer(q, q)) / 2
  if (all(S == 0)) return(if (all(p == q)) 0 else NaN)
  d <- p - q
  sqrt(drop(t(d) %*% ginv(S) %*% d))
}
pairs_of <- function(G) { if (G < 2) return(list()); cmb <- combn(G, 2); lapply(seq_len(ncol(cmb)), function(k) cmb[, k]) }

summ <- function(x) {
  y <- x[!is.na(x)]
  list(mean = if (length(y)) mean(y) else NA_real_,
       sd = if (length(y) > 1) sd(y) else NA_real_,
       median = if (length(y)) median(y) else NA_real_,
       q1 = if (length(y)) unname(quantile(y, 0.25)) else NA_real_,
       q3 = if (length(y)) unname(quantile(y, 0.75)) else NA_real_,
       n = length(y), missing = sum(is.na(x)))
}

safe_p <- function(expr) tryCatch(suppressWarnings(expr), error = function(e) NA_real_)

table1_ref <- function(name, file, by, vars, categorical = character(), nonnormal = character(),
                       exact = character()) {
  d <- read.csv(file.path(data_dir, file), stringsAsFactors = FALSE)
  keep <- !is.na(d[[by]])
  n_dropped <- sum(!keep)
  d <- d[keep, , drop = FALSE]
  bylev <- if (is.numeric(d[[by]])) as.character(sort(unique(d[[by]]))) else sort(unique(d[[by]]))
  g <- factor(as.character(d[[by]]), levels = bylev)
  G <- length(bylev)
  rows <- list()
  for (v in vars) {
    x <- d[[v]]
    if (is.numeric(x) && !(v %in% categorical)) {
      nn <- v %in% nonnormal
      p <- if (nn) safe_p(kruskal.test(x ~ g)$p.value) else safe_p(oneway.test(x ~ g, var.equal = TRUE)$p.value)
      sm <- lapply(bylev, function(l) summ(x[g == l])); names(sm) <- bylev
      s <- sapply(pairs_of(G), function(ab) smd_cont(na.omit(x[g == bylev[ab[1]]]), na.omit(x[g == bylev[ab[2]]])))
      rows[[length(rows) + 1]] <- list(variable = v, type = "continuous",
        test = if (nn) "kruskal" else "anova", p = p, smd = mean(s), smd_pairs = I(s),
        summary = sm, overall = summ(x))
    } else {
      # full-data factor levels (R's factor() on the column read by read.csv);
      # numeric levels in numeric order, as character
      f <- factor(x)
      L <- nlevels(f)
      tab <- table(f, g)                       # levels x groups, NA dropped
      nonmiss <- colSums(tab)
      pct <- sweep(tab, 2, nonmiss, "/") * 100
      ex <- v %in% exact
      p <- if (L < 2) NA_real_ else if (ex) safe_p(fisher.test(tab, workspace = 2e8)$p.value) else safe_p(chisq.test(tab, correct = TRUE)$p.value)
      prop <- sweep(tab, 2, nonmiss, "/")
      idx <- if (L > 1) 2:L else 1
      s <- sapply(pairs_of(G), function(ab) smd_cat(prop[idx, ab[1]], prop[idx, ab[2]]))
      levs <- lapply(seq_len(L), function(l) {
        cnt <- as.list(as.numeric(tab[l, ])); names(cnt) <- bylev
        pc <- as.list(as.numeric(pct[l, ])); names(pc) <- bylev
        list(level = levels(f)[l], counts = cnt, percent = pc,
             overall = list(count = sum(tab[l, ]), percent = 100 * sum(tab[l, ]) / sum(tab)))
      })
      miss <- as.list(as.numeric(tapply(is.na(x), g, sum))); names(miss) <- bylev
      rows[[length(rows) + 1]] <- list(variable = v, type = "categorical",
        test = if (ex) "fisher" else "chisq", p = p, smd = mean(s), smd_pairs = I(s),
        levels = levs, missing = miss, overall = list(missing = sum(is.na(x))))
    }
  }
  groups <- lapply(bylev, function(l) list(level = l, n = sum(g == l)))
  ref <- list(by = by, n = nrow(d), n_dropped = n_dropped, groups = groups, rows = rows)
  write(toJSON(ref, auto_unbox = TRUE, digits = NA, na = "null", null = "null"),
        file.path(out_dir, paste0(name, ".json")))
  args <- c("table1", "--data", paste0("@DATA@/", file), "--by", by, "--vars", paste(vars, collapse = ","))
  if (length(categorical)) args <- c(args, "--categorical", paste(categorical, collapse = ","))
  if (length(nonnormal)) args <- c(args, "--nonnormal", paste(nonnormal, collapse = ","))
  if (length(exact)) args <- c(args, "--exact", paste(exact, collapse = ","))
  writeLines(paste(c(args, "--format", "json"), collapse = " "), file.path(out_dir, paste0(name, ".cmd")))
}

table1_ref("lung_sex", "lung.csv", "sex",
           c("age", "ph.ecog", "wt.loss", "ph.karno", "meal.cal", "status", "pat.karno"),
           categorical = c("ph.ecog", "status"), nonnormal = c("wt.loss", "meal.cal"))
table1_ref("lung_ecog", "lung.csv", "ph.ecog",        # 1 missing group value; group "3" has 1 row
           c("age", "sex", "wt.loss", "status"),
           categorical = c("sex", "status"), nonnormal = "wt.loss", exact = "sex")
table1_ref("veteran_trt", "veteran.csv", "trt",
           c("celltype", "karno", "age", "prior", "diagtime", "time"),
           categorical = "prior", nonnormal = c("karno", "diagtime"), exact = "celltype")
table1_ref("veteran_celltype", "veteran.csv", "celltype",
           c("trt", "prior", "age", "karno"),
           categorical = c("trt", "prior"), nonnormal = "karno", exact = "trt")
table1_ref("lalonde_treat", "lalonde.csv", "treat",
           c("age", "educ", "race", "married", "nodegree", "re74", "re75", "re78"),
           categorical = c("married", "nodegree"), nonnormal = c("re74", "re75"))
table1_ref("lalonde_race", "lalonde.csv", "race",
           c("treat", "married", "age", "re78"),
           categorical = c("treat", "married"), nonnormal = "re78", exact = "married")
table1_ref("ovarian_rx", "ovarian.csv", "rx",
           c("age", "resid.ds", "ecog.ps", "futime", "fustat"),
           categorical = c("resid.ds", "ecog.ps", "fustat"), nonnormal = "futime", exact = "ecog.ps")
table1_ref("ovarian_ecog", "ovarian.csv", "ecog.ps",
           c("age", "rx", "resid.ds"),
           categorical = c("rx", "resid.ds"), exact = "resid.ds")
