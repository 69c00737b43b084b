export function App() {
  return (
    <main>
      <h1>PacketWalk</h1>
    </main>
  );
}
