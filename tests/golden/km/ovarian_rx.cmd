km --data @DATA@/ovarian.csv --formula "Surv(futime, fustat) ~ rx" --format json
