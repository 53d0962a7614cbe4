cox --data @DATA@/ovarian.csv --formula "Surv(futime, fustat) ~ age + ecog.ps + rx" --format json
