km --data @DATA@/ovarian.csv --formula "Surv(futime, fustat) ~ 1" --format json
