cox --data @DATA@/ovarian.csv --formula "Surv(futime, fustat) ~ age + factor(rx) + factor(ecog.ps)" --format json
