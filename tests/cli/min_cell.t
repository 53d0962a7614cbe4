# min_cell.t — disclosure control: --min-cell N for table1 and km.  Counts
# from 1 to N-1 are hidden ("<N" in text and CSV, null plus a "suppressed"
# flag in JSON); cells that would let one be recovered by subtraction are
# hidden too ("*").  tests/catalogue/data/min_cell.csv: groups a (6 rows:
# x = u 5, v 1), b (8 rows: u 3, v 5), c (2 rows: u 1, v 1; y missing once).

case table1 without --min-cell shows every count
run table1 --data @TESTS@/catalogue/data/min_cell.csv --by g
exit 0
stdout 1 (16.7)
stdout 2
end

case table1 text hides small counts and their complements
run table1 --data @TESTS@/catalogue/data/min_cell.csv --by g --min-cell 3
exit 0
stdout   n             16          *           8           <3
stdout   x = v (%)     7 (43.8)    <3          5 (62.5)    <3
stdout <3: a count from 1 to 2, hidden
end

case table1 json: null values, suppressed flags, min_cell at the top
run table1 --data @TESTS@/catalogue/data/min_cell.csv --by g --min-cell 3 --format json
exit 0
stdout "min_cell":3
stdout {"level":"a","n":null,"suppressed":true}
stdout {"level":"c","n":null,"suppressed":true}
stdout {"level":"u","counts":{"a":null,"b":3,"c":null},"percent":{"a":null,"b":37.5,"c":null},"overall":{"count":9,"percent":56.25},"suppressed":["a","c"]}
stdout "c":{"suppressed":true,"mean":null
end

case table1 csv marks hidden cells
run table1 --data @TESTS@/catalogue/data/min_cell.csv --by g --min-cell 3 --format csv
exit 0
stdout n,,count,16,*,8,<3,,,
stdout x,u,n (%),9 (56.2),*,3 (37.5),<3,
end

case table1 --min-cell must be a whole number
run table1 --data @TESTS@/catalogue/data/min_cell.csv --by g --min-cell -1
exit 2
stdout-empty
stderr --min-cell
end

case table1 --help documents --min-cell
run table1 --help
exit 0
stdout --min-cell
stdout Disclosure control
end

case km text hides small numbers at risk and events
run km --data @DATA@/ovarian.csv --formula "Surv(futime, fustat) ~ rx" --min-cell 5 --times 500
exit 0
stdout   500      7      <5    0.658
end

case km json: null counts with the suppressed fields named
run km --data @DATA@/ovarian.csv --formula "Surv(futime, fustat) ~ rx" --min-cell 5 --format json
exit 0
stdout "min_cell":5
stdout "n_risk":[13,12,11,10,9,8,7,6,5,null,null,null,null]
stdout "suppressed":["n_risk","n_event","n_censor"]
end

case km csv: small counts as <N
run km --data @DATA@/ovarian.csv --formula "Surv(futime, fustat) ~ rx" --min-cell 5 --format csv
exit 0
stdout rx=1,1106,<5,0,<5,
end

case km without --min-cell is unchanged
run km --data @DATA@/ovarian.csv --formula "Surv(futime, fustat) ~ rx" --format json
exit 0
stdout "n_risk":[13,12,11,10,9,8,7,6,5,4,3,2,1]
end

case km --help documents --min-cell
run km --help
exit 0
stdout --min-cell
end

case km warnings do not reveal hidden counts
run km --data @DATA@/lung.csv --formula "Surv(time, status) ~ ph.ecog" --min-cell 5 --format json
exit 0
stdout "warnings":["<5 of 228 rows dropped: missing value in ph.ecog (<5)"]
end
