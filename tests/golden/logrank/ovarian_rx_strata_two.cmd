logrank --data @DATA@/ovarian.csv --formula "Surv(futime, fustat) ~ rx + strata(resid.ds, ecog.ps)" --format json
