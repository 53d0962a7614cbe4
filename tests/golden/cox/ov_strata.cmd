cox --data @DATA@/ovarian.csv --formula "Surv(futime, fustat) ~ age + strata(rx)" --format json
