# nelm_tune.R — the solver that fitted the simulator's parameters (kept for provenance).
# Usage: LC_ALL=C Rscript tests/r/nelm_tune.R 2.905 1.975 2.0   (dH, dL, burden HR)
# Part 1: the prototype model (was proto.R)
suppressMessages(library(survival))
# covariates given arm (vectorised); arm: 1 surgery, 0 IAT
gen_cov <- function(n, surg_frac = 339/753, P) {
  arm <- rbinom(n, 1, surg_frac)
  age <- ifelse(arm == 1, rnorm(n, P$age_s, 12), rnorm(n, P$age_i, 12))
  age <- pmin(pmax(round(age), 20), 89)
  site <- sample(1:6, n, TRUE, prob = c(.32,.27,.20,.08,.06,.07))
  horm <- rbinom(n, 1, ifelse(arm == 1, .28, .48))
  sym <- rbinom(n, 1, ifelse(horm == 1, P$psym_h, P$psym_n))
  B <- rbinom(n, 1, ifelse(arm == 1, .52, .76))
  E <- rbinom(n, 1, ifelse(arm == 1, P$pE_s, P$pE_i))
  data.frame(arm, age, site, horm, sym, B, E)
}
siteeff <- log(c(1.4, 0.8, 1.0, 1.3, 1.3, 1.0))
lin <- function(d, th, P) {
  bA <- th[3]; dH <- th[4]; bB <- th[5]; dL <- dH * P$rho
  bA * (1 - d$sym) + bB * d$B + P$bE * d$E + P$bage * (d$age - 60) / 10 + siteeff[d$site] +
    (1 - d$arm) * d$sym * (d$B * dH + (1 - d$B) * dL)
}
# analytic marginal survival per arm
marg <- function(d, th, P, t) {
  eta <- lin(d, th, P); sc <- exp(th[1]); k <- exp(th[2])
  sapply(c(1, 0), function(a) { e <- eta[d$arm == a]
    S <- function(tt) mean(exp(-(tt / sc)^k * exp(e)))
    med <- uniroot(function(tt) S(tt) - .5, c(1, 2000))$root
    c(med = med, s60 = S(60)) })
}
simsurv <- function(d, th, P) {
  eta <- lin(d, th, P); sc <- exp(th[1]); k <- exp(th[2])
  T <- sc * (rexp(nrow(d)) * exp(-eta))^(1 / k)
  yr <- 1985 + runif(nrow(d)) * 26
  fu <- (2011 - yr) * 12
  L <- rexp(nrow(d), P$lrate)
  C <- pmin(fu, L)
  d$time <- pmin(T, C); d$status <- as.integer(T <= C); d
}
asymhr <- function(d) {
  d$site <- factor(d$site)
  ps <- fitted(glm(arm ~ age + site + horm + sym + B + E, binomial, data = d))
  f <- coxph(Surv(time, status) ~ arm + age + sym + B + E + site + ps, data = d)
  exp(-coef(f)["sym"])
}

# Part 2: the tuning (was tune8.R)
a <- as.numeric(commandArgs(TRUE))
P <- list(age_s = 55, age_i = 60, psym_h = .95, psym_n = .70, pE_s = 0.10, pE_i = 0.5,
          bage = log(1.3), lrate = -log(.9)/60, dH = log(a[1]), dL = log(a[2]), bB = log(a[3]))
lin <- function(d, p) { bE <- p[3]
  dB <- ifelse(d$B == 1, P$dH, P$dL)
  P$bB * d$B + bE * d$E + P$bage * (d$age - 60) / 10 + siteeff[d$site] + dB * (1 - d$arm * d$sym) }
setE <- function(d, p) { d$E <- as.integer(d$uE < ifelse(d$arm == 1, P$pE_s, plogis(p[4]))); d }
margw <- function(d, p) { d <- setE(d, p); sc <- exp(p[1]); k <- exp(p[2]); eta <- lin(d, p)
  sapply(c(1, 0), function(a) { e <- exp(eta[d$arm == a])
    S <- function(tt) mean(exp(-(tt/sc)^k * e))
    c(med = uniroot(function(tt) S(tt) - .5, c(1, 3000))$root, s60 = S(60)) }) }
simw <- function(d, p) { d <- setE(d, p); sc <- exp(p[1]); k <- exp(p[2]); eta <- lin(d, p)
  T <- sc * (rexp(nrow(d)) * exp(-eta))^(1/k)
  fu <- (2011 - (1985 + runif(nrow(d)) * 26)) * 12; C <- pmin(fu, rexp(nrow(d), P$lrate))
  d$time <- pmin(T, C); d$status <- as.integer(T <= C); d }
set.seed(1); dc <- gen_cov(300000, P = P); dc$uE <- runif(nrow(dc))
set.seed(2); dh <- gen_cov(100000, P = P); dh$uE <- runif(nrow(dh))
f <- function(p) { m <- margw(dc, p)
    (m[1,1]/123 - 1)^2 + (m[2,1] - .74)^2 + (m[1,2]/34 - 1)^2 + (m[2,2]-.30)^2 }
o <- optim(c(log(263.497), log(1.4081), log(4.3683), qlogis(0.5035)), f, control = list(maxit = 3000, reltol = 1e-14))
p <- o$p
cat(sprintf("scale=%.3f k=%.4f HRextra=%.4f pE_i=%.4f err=%.2e\n", exp(p[1]), exp(p[2]), exp(p[3]), plogis(p[4]), o$value))
print(margw(dc, p))
set.seed(3); d <- simw(dh, p); d$site <- factor(d$site)
d$ps <- fitted(glm(arm ~ age + site + horm + sym + B + E, binomial, data = d))
cat("pooled asym HR", exp(-coef(coxph(Surv(time, status) ~ arm + age + sym + B + E + site + ps, data = d))["sym"]), "\n")
cat("interaction model asym HR in surgery", exp(-sum(coef(coxph(Surv(time, status) ~ arm*sym + age + B + E + site + ps, data = d))[c("sym","arm:sym")])), "\n")
for (s in 0:1) for (b in 0:1) cat("sym", s, "B", b, "surg HR unadj", exp(coef(coxph(Surv(time, status) ~ arm, data = d, subset = sym == s & B == b))),
  " adj", exp(coef(coxph(Surv(time, status) ~ arm + age + E + site, data = d, subset = sym == s & B == b))[1]), "\n")
for (s in 0:1) cat("sym", s, "surg HR unadj", exp(coef(coxph(Surv(time, status) ~ arm, data = d, subset = sym == s))),
  " ps-adj", exp(coef(coxph(Surv(time, status) ~ arm + ps, data = d, subset = sym == s))[1]), "\n")
