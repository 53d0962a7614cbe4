km --data @DATA@/ovarian.csv --formula "Surv(futime, fustat) ~ rx" --conf-type plain --format json
