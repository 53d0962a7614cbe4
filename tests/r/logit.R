# tests/r/logit.R — references for obsurv logit (R glm, family = binomial).
# Run from the repository root:  LC_ALL=C Rscript tests/r/logit.R
# Writes tests/golden/logit/NAME.cmd + NAME.json, tests/golden/logit/TOLERANCE
# and the derived data sets tests/golden/data/{lung_logit,lalonde_alias}.csv.
suppressPackageStartupMessages(library(jsonlite))
out <- "tests/golden/logit"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
dir.create("tests/golden/data", showWarnings = FALSE, recursive = TRUE)
writeLines("1e-8", file.path(out, "TOLERANCE"))

lalonde <- read.csv("../shared/data/lalonde.csv")
lung <- read.csv("../shared/data/lung.csv")
lung_logit <- data.frame(female = as.integer(lung$sex == 2), age = lung$age,
                         ph.ecog = lung$ph.ecog, ph.karno = lung$ph.karno,
                         wt.loss = lung$wt.loss, meal.cal = lung$meal.cal,
                         w = 1 + seq_len(nrow(lung)) %% 3)
write.csv(lung_logit, "tests/golden/data/lung_logit.csv", row.names = FALSE, na = "")
lalonde_alias <- lalonde
lalonde_alias$educ2 <- 2 * lalonde_alias$educ + 1   # aliased with (Intercept) and educ
write.csv(lalonde_alias, "tests/golden/data/lalonde_alias.csv", row.names = FALSE)

num <- function(x) if (is.na(x) || !is.finite(x)) NA else unname(x)

case <- function(name, f, data, datafile, args = "", weights = NULL, level = 0.95) {
  g <- if (is.null(weights)) glm(f, data = data, family = binomial)
       else do.call("glm", list(f, data = data, family = binomial, weights = as.name(weights)))
  b <- coef(g)
  s <- summary(g)$coefficients
  z <- qnorm(1 - (1 - level) / 2)
  coefs <- lapply(names(b), function(t) {
    if (is.na(b[t])) return(list(term = t, coef = NA, se = NA, z = NA, p = NA,
                                 or = NA, or_lower = NA, or_upper = NA))
    se <- s[t, 2]
    list(term = t, coef = num(b[t]), se = num(se), z = num(s[t, 3]), p = num(s[t, 4]),
         or = num(exp(b[t])), or_lower = num(exp(b[t] - z * se)), or_upper = num(exp(b[t] + z * se)))
  })
  y <- g$y; p <- fitted(g)
  use <- g$prior.weights > 0
  r <- rank(p[use]); n1 <- sum(y[use] == 1); n0 <- sum(y[use] == 0)
  auc <- (sum(r[y[use] == 1]) - n1 * (n1 + 1) / 2) / (n1 * n0)
  ref <- list(n = length(g$y), n_dropped = nrow(data) - length(g$y),
              converged = g$converged, iterations = g$iter,
              deviance = g$deviance, null_deviance = g$null.deviance, aic = g$aic,
              df_residual = g$df.residual, df_null = g$df.null,
              auc = auc, coefficients = coefs)
  writeLines(toJSON(ref, auto_unbox = TRUE, digits = NA, null = "null", na = "null"),
             file.path(out, paste0(name, ".json")))
  writeLines(sprintf('logit --data %s --formula "%s" --format json %s', datafile,
                     paste(deparse(f), collapse = ""), args),
             file.path(out, paste0(name, ".cmd")))
}

L <- "@DATA@/lalonde.csv"
G <- "@TESTS@/golden/data/lung_logit.csv"
A <- "@TESTS@/golden/data/lalonde_alias.csv"
case("lalonde", treat ~ age + educ + race + married + nodegree + re74 + re75, lalonde, L)
case("lalonde_level90", treat ~ age + educ + race + married + nodegree + re74 + re75, lalonde, L,
     "--conf-level 0.9", level = 0.9)
case("lalonde_interaction", treat ~ age * married + race, lalonde, L)
case("lalonde_factor_educ", treat ~ factor(nodegree) + age:married + re74, lalonde, L)
case("lalonde_alias", treat ~ age + educ + educ2 + race, lalonde_alias, A)
case("lung_missing", female ~ age + ph.ecog + ph.karno + wt.loss + meal.cal, lung_logit, G)
case("lung_weights", female ~ age + ph.ecog + wt.loss, lung_logit, G, "--weights w", weights = "w")
case("lung_intercept_only", female ~ 1, lung_logit, G)
