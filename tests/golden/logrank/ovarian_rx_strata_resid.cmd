logrank --data @DATA@/ovarian.csv --formula "Surv(futime, fustat) ~ rx + strata(resid.ds)" --format json
