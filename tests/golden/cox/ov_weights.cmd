cox --data @DATA@/ovarian.csv --formula "Surv(futime, fustat) ~ age + rx" --weights resid.ds --format json
