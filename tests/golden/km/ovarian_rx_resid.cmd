km --data @DATA@/ovarian.csv --formula "Surv(futime, fustat) ~ rx + resid.ds" --format json
