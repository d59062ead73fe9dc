pub async fn fresh_postgres_url() -> String {
    panic!("GRIDMAP_TEST_POSTGRES_URL is not set")
}
