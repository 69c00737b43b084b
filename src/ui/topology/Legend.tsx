export function Legend() {
  return (
    <section className="legend" aria-label="Legend">
      <h3>Legend</h3>
      <ul>
        <li><span className="swatch normal" aria-hidden="true" />Packet</li>
        <li><span className="swatch encap" aria-hidden="true" />Encapsulated</li>
        <li><span className="swatch nat" aria-hidden="true" />NAT rewrite</li>
        <li><span className="swatch drop" aria-hidden="true" />Dropped</li>
        <li><span className="swatch ok" aria-hidden="true" />Delivered</li>
        <li><span className="swatch virtual" aria-hidden="true" />Service VIP</li>
      </ul>
    </section>
  );
}
