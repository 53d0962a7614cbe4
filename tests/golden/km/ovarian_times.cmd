km --data @DATA@/ovarian.csv --formula "Surv(futime, fustat) ~ 1" --times 0,59,100,500,1200,2000 --format json
