cox --data @DATA@/ovarian.csv --formula "Surv(futime, fustat) ~ age + rx" --robust --format json
