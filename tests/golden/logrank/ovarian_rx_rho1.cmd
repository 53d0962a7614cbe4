logrank --data @DATA@/ovarian.csv --formula "Surv(futime, fustat) ~ rx" --rho 1 --format json
