fn main() {
    for line in std::io::stdin().lines().map_while(Result::ok) {
        match baton_versions::parse_csaf_range(&line) {
            Ok(r) => println!("{line:?}\tOK {:?}\t{r}\t{:?}", r.reading(), r.note()),
            Err(e) => println!("{line:?}\tERR {e}"),
        }
    }
}
