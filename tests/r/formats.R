# formats.R — binary versions of the shared datasets, and the R answers the
# readers must reproduce.  Run from the repository root:
#     LC_ALL=C Rscript tests/r/formats.R
# Writes (committed):
#   tests/golden/formats/DATA.{dta,sav,xpt,sas7bdat,sqlite}  from ../shared/data/DATA.csv
#     (names with "." become "_": Stata, SAS and XPORT do not allow dots)
#   tests/golden/formats/shared.sqlite    all four datasets as tables
#   tests/golden/formats/labelled.{dta,sav}  value labels, dates, missing kinds
#   tests/golden/formats/*.expect         R's view of each file (see write_expect)
#   tests/golden/formats/*.cmd + *.json   km on each format (TOLERANCE 1e-8)
#   tests/golden/formats-models/*.cmd + *.json  cox / logit (TOLERANCE 1e-6)
#   tests/cli/data/fmt_*                  hostile files (truncated, wrong magic, huge sizes)
suppressPackageStartupMessages({
  library(haven); library(DBI); library(RSQLite); library(survival); library(jsonlite)
})
stopifnot(Sys.getlocale("LC_COLLATE") == "C")
data_dir <- "../shared/data"
out <- "tests/golden/formats"
out_models <- "tests/golden/formats-models"
cli_data <- "tests/cli/data"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
dir.create(out_models, showWarnings = FALSE, recursive = TRUE)
dir.create(cli_data, showWarnings = FALSE, recursive = TRUE)

read_shared <- function(name) {
  d <- read.csv(file.path(data_dir, paste0(name, ".csv")), stringsAsFactors = FALSE)
  names(d) <- gsub(".", "_", names(d), fixed = TRUE)
  d
}

# R's view of a table, one column per block, for tests/unit/test_readers.c:
#   column NAME numeric|factor NMISSING
#   label TEXT                                   (only when labelled)
#   levels L1<TAB>L2...                          (factor)
#   values v1 v2 ... (numbers %.17g or NA; factor: 1-based codes or NA)
write_expect <- function(d, path) {
  con <- file(path, "w")
  on.exit(close(con))
  for (nm in names(d)) {
    x <- d[[nm]]
    lab <- attr(x, "label", exact = TRUE)
    if (is.labelled(x)) x <- as_factor(x)
    if (is.character(x)) x <- factor(ifelse(x == "", NA, x))
    if (inherits(x, "Date") || inherits(x, "POSIXct") || inherits(x, "hms")) x <- as.numeric(x)
    type <- if (is.factor(x)) "factor" else "numeric"
    writeLines(sprintf("column %s %s %d", nm, type, sum(is.na(x))), con)
    if (!is.null(lab)) writeLines(paste("label", lab), con)
    if (is.factor(x)) {
      writeLines(paste(c("levels", levels(x)), collapse = "\t"), con)
      v <- ifelse(is.na(x), "NA", as.character(as.integer(x)))
    } else {
      v <- ifelse(is.na(x), "NA", sprintf("%.17g", as.numeric(x)))
    }
    writeLines(paste(c("values", v), collapse = " "), con)
  }
}

datasets <- c("lung", "veteran", "ovarian", "lalonde")
all_db <- dbConnect(SQLite(), file.path(out, "shared.sqlite"))
for (name in datasets) {
  d <- read_shared(name)
  write_dta(d, file.path(out, paste0(name, ".dta")), version = 14)
  write_sav(d, file.path(out, paste0(name, ".sav")))
  write_xpt(d, file.path(out, paste0(name, ".xpt")), version = 8)
  f <- file.path(out, paste0(name, ".sqlite"))
  if (file.exists(f)) file.remove(f)
  db <- dbConnect(SQLite(), f)
  dbWriteTable(db, name, d)
  dbDisconnect(db)
  dbWriteTable(all_db, name, d, overwrite = TRUE)
  write_expect(d, file.path(out, paste0(name, ".expect")))
}
dbDisconnect(all_db)
for (name in c("lung", "veteran")) {
  suppressWarnings(write_sas(read_shared(name), file.path(out, paste0(name, ".sas7bdat"))))
}

# ---- labelled data: value labels, dates, the three kinds of missing ---------
lab <- data.frame(id = 1:8)
lab$grp <- labelled(c(3, NA, 1, 5, 2, 3, 1, 5), c(b = 1, a = 2, z = 3), label = "Group")
lab$sev <- labelled(c(1, 2, 2, 1, NA, 1, 2, 1), c(mild = 1, severe = 2, unused = 9))
lab$dup <- labelled(c(1, 2, 3, 1, 2, 3, 4, 4), c(low = 1, low = 2, high = 3))
lab$dx <- as.Date(c("2001-02-03", "1960-01-01", NA, "1999-12-31", "1970-01-01", "2020-02-29", "1959-12-31", "2010-06-15"))
lab$ts <- as.POSIXct(c(0, 86400.5, NA, -1, 1e9, 1.5e9, 12345, 99), origin = "1970-01-01", tz = "UTC")
lab$arm <- c("b", "a", "", "c", "a", "b", "b", "a")
attr(lab$arm, "label") <- "Treatment arm"
lab$x <- c(1.5, -2, NA, 1e10, 0.1, 3, 7, 8)
dta_lab <- lab
dta_lab$x <- c(1.5, -2, tagged_na("a"), 1e10, 0.1, 3, 7, NA)
write_dta(dta_lab, file.path(out, "labelled.dta"), version = 14)
write_expect(as.data.frame(read_dta(file.path(out, "labelled.dta"))), file.path(out, "labelled_dta.expect"))
sav_lab <- lab
sav_lab$sev <- labelled_spss(c(1, 2, 2, 1, 9, 1, 2, 1), c(mild = 1, severe = 2, unused = 9), na_values = 9)
sav_lab$x <- labelled_spss(c(1.5, -2, -99, 1e10, 0.1, 3, 7, 8), na_range = c(-100, -50))
write_sav(sav_lab, file.path(out, "labelled.sav"))
write_sav(sav_lab, file.path(out, "labelled.zsav"), compress = TRUE)
s <- as.data.frame(read_sav(file.path(out, "labelled.sav"), user_na = FALSE))
write_expect(s, file.path(out, "labelled_sav.expect"))
xl <- lab[, c("id", "dx", "ts", "arm", "x")]
write_xpt(xl, file.path(out, "labelled.xpt"), version = 8)
write_expect(as.data.frame(read_xpt(file.path(out, "labelled.xpt"))), file.path(out, "labelled_xpt.expect"))

# ---- golden answers from the CSV data ----------------------------------------
num <- function(x) unname(x)
km_json <- function(fit, data_n) {
  s <- summary(fit, censored = TRUE)
  nst <- if (is.null(fit$strata)) 1 else length(fit$strata)
  idx <- if (is.null(fit$strata)) rep(1, length(fit$time)) else rep(seq_len(nst), fit$strata)
  names_st <- if (is.null(fit$strata)) "all" else names(fit$strata)
  lapply(seq_len(nst), function(k) {
    w <- idx == k
    list(name = names_st[k], n = num(fit$n[k]), events = sum(fit$n.event[w]),
         time = fit$time[w], n_risk = fit$n.risk[w], n_event = fit$n.event[w],
         n_censor = fit$n.censor[w], surv = fit$surv[w],
         std_err = fit$surv[w] * fit$std.err[w], lower = fit$lower[w], upper = fit$upper[w])
  })
}
write_case <- function(dir, case, args, ref) {
  writeLines(args, file.path(dir, paste0(case, ".cmd")))
  writeLines(toJSON(ref, auto_unbox = TRUE, digits = NA, null = "null", na = "null"),
             file.path(dir, paste0(case, ".json")))
}
writeLines("1e-8", file.path(out, "TOLERANCE"))
writeLines("1e-6", file.path(out_models, "TOLERANCE"))

lung <- read_shared("lung")
fit <- survfit(Surv(time, status) ~ sex, data = lung)
ref <- list(conf_type = "log", n_dropped = 0, strata = km_json(fit))
for (ext in c("dta", "sav", "xpt", "sas7bdat", "sqlite"))
  write_case(out, paste0("km_lung_", ext),
             sprintf("km --data @TESTS@/golden/formats/lung.%s --formula \"Surv(time, status) ~ sex\" --format json", ext), ref)
write_case(out, "km_lung_query",
           "km --data @TESTS@/golden/formats/shared.sqlite --query \"SELECT time, status, sex FROM lung\" --formula \"Surv(time, status) ~ sex\" --format json", ref)

vet <- read_shared("veteran")
fit <- survfit(Surv(time, status) ~ celltype, data = vet)
ref <- list(conf_type = "log", n_dropped = 0, strata = km_json(fit))
for (ext in c("dta", "sav", "xpt", "sas7bdat"))
  write_case(out, paste0("km_veteran_", ext),
             sprintf("km --data @TESTS@/golden/formats/veteran.%s --formula \"Surv(time, status) ~ celltype\" --format json", ext), ref)
write_case(out, "km_veteran_table",
           "km --data @TESTS@/golden/formats/shared.sqlite --table veteran --formula \"Surv(time, status) ~ celltype\" --format json", ref)

cox_json <- function(fit) {
  s <- summary(fit)$coefficients
  list(n = fit$n, nevent = fit$nevent, ties = "efron",
       loglik = list(null = fit$loglik[1], model = fit$loglik[2]),
       coefficients = lapply(seq_len(nrow(s)), function(i)
         list(term = rownames(s)[i], coef = num(s[i, "coef"]), se = num(s[i, "se(coef)"]),
              z = num(s[i, "z"]), p = num(s[i, "Pr(>|z|)"]))))
}
fit <- coxph(Surv(time, status) ~ age + sex + ph_ecog, data = lung)
ref <- cox_json(fit)
for (ext in c("dta", "sav", "sqlite"))
  write_case(out_models, paste0("cox_lung_", ext),
             sprintf("cox --data @TESTS@/golden/formats/lung.%s --formula \"Surv(time, status) ~ age + sex + ph_ecog\" --format json", ext), ref)
fit <- coxph(Surv(time, status) ~ karno + celltype, data = vet)
ref <- cox_json(fit)
for (ext in c("dta", "sav", "xpt"))
  write_case(out_models, paste0("cox_veteran_", ext),
             sprintf("cox --data @TESTS@/golden/formats/veteran.%s --formula \"Surv(time, status) ~ karno + celltype\" --format json", ext), ref)

lal <- read_shared("lalonde")
fit <- glm(treat ~ age + educ + race + re74, family = binomial, data = lal)
s <- summary(fit)$coefficients
ref <- list(n = nrow(lal), deviance = fit$deviance, null_deviance = fit$null.deviance, aic = fit$aic,
            coefficients = lapply(seq_len(nrow(s)), function(i)
              list(term = rownames(s)[i], coef = num(s[i, 1]), se = num(s[i, 2]),
                   z = num(s[i, 3]), p = num(s[i, 4]))))
for (ext in c("dta", "sav", "sqlite"))
  write_case(out_models, paste0("logit_lalonde_", ext),
             sprintf("logit --data @TESTS@/golden/formats/lalonde.%s --formula \"treat ~ age + educ + race + re74\" --format json", ext), ref)
write_case(out_models, "logit_lalonde_query",
           "logit --data @TESTS@/golden/formats/shared.sqlite --query \"SELECT * FROM lalonde\" --formula \"treat ~ age + educ + race + re74\" --format json", ref)

# ---- hostile files -------------------------------------------------------------
rd <- function(f) readBin(f, "raw", file.info(f)$size)
wr <- function(x, f) writeBin(x, file.path(cli_data, f))
dta <- rd(file.path(out, "lung.dta"))
sav <- rd(file.path(out, "lung.sav"))
xpt <- rd(file.path(out, "lung.xpt"))
sas <- rd(file.path(out, "lung.sas7bdat"))
sql <- rd(file.path(out, "lung.sqlite"))
wr(dta[1:(length(dta) %/% 2)], "fmt_truncated.dta")
wr(dta[1:40], "fmt_header_only.dta")
wr(sav[1:(length(sav) %/% 2)], "fmt_truncated.sav")
wr(xpt[1:500], "fmt_truncated.xpt")
wr(sas[1:1000], "fmt_truncated.sas7bdat")
wr(sql[1:2048], "fmt_truncated.sqlite")
wr(charToRaw("time,status\n1,2\n"), "fmt_csv_as.dta")           # wrong magic: CSV text named .dta
wr(charToRaw("not a database at all\n"), "fmt_wrong_magic.sqlite")
wr(raw(0), "fmt_empty.sav")
bad <- sav; bad[1:4] <- charToRaw("$FL9"); wr(bad, "fmt_wrong_magic.sav")
# Stata 118 header: "<stata_dta><header><release>118</release><byteorder>LSF</byteorder><K>" + K(2) + "</K><N>" + N(8)
hdr <- rawToChar(dta[1:200][dta[1:200] != as.raw(0)])
k_at <- regexpr("<K>", rawToChar(dta[1:100][dta[1:100] != as.raw(0)]), fixed = TRUE) + 3
stopifnot(rawToChar(dta[(k_at - 3):(k_at - 1)]) == "<K>")
n_at <- k_at + 2 + nchar("</K><N>")
stopifnot(rawToChar(dta[(n_at - 3):(n_at - 1)]) == "<N>")
bad <- dta; bad[n_at:(n_at + 7)] <- as.raw(c(0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0)); wr(bad, "fmt_huge_rows.dta")
bad <- dta; bad[k_at:(k_at + 1)] <- as.raw(c(0xff, 0xff)); wr(bad, "fmt_huge_cols.dta")
# SPSS: the case count is the int32 at byte offset 80
bad <- sav; bad[81:84] <- as.raw(c(0xff, 0xff, 0xff, 0x7f)); wr(bad, "fmt_huge_rows.sav")
# SQLite: page size field (offset 16) set to an invalid value
bad <- sql; bad[17:18] <- as.raw(c(0x00, 0x07)); wr(bad, "fmt_bad_page.sqlite")
cat("formats.R: done\n")
