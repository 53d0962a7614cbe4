km --data @DATA@/ovarian.csv --formula "Surv(futime, fustat) ~ rx" --weights age --format json
