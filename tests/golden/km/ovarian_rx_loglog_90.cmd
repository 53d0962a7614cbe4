km --data @DATA@/ovarian.csv --formula "Surv(futime, fustat) ~ rx" --conf-type log-log --conf-level 0.9 --format json
